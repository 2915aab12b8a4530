// Catches a second copy of `@modelcontextprotocol/server`. The SDK's handler tells an `McpServer` from a
// `Server` with `instanceof`, so a server built from another copy of the package (a consumer on 2.3.1 while
// lambda-mcp resolves its own 2.4.0) fails every 2026-07-28 request with an opaque 500, and `tsc` reports
// the classes' private fields as incompatible. The core checks each server its factory returns: an
// `instanceof` test against the classes lambda-mcp imports, nothing more while they match. On a mismatch it
// names both copies: lambda-mcp's from where it resolves the package, the other from the files its
// constructor runs in.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpServer, Server } from '@modelcontextprotocol/server';
import { LambdaMcpError } from '../errors.js';

const SDK = '@modelcontextprotocol/server';

/** The factory returned something other than an `McpServer` or `Server` of the SDK copy lambda-mcp uses. */
export class SdkCopyError extends LambdaMcpError {}

/** One installed copy of the SDK: its version and its package folder. */
export interface SdkCopy {
  version: string;
  dir: string;
}

type AnyClass = new (...args: unknown[]) => unknown;

/** What a mismatch says, once worked out per class (the probe below runs once per foreign class). */
const described = new WeakMap<object, string>();

/** `undefined` when `product` is a server of lambda-mcp's SDK copy; otherwise the error to answer with. */
export function checkServerCopy(product: unknown): SdkCopyError | undefined {
  if (product instanceof McpServer || product instanceof Server) return undefined;
  const key = typeof product === 'object' && product !== null ? product.constructor : undefined;
  if (typeof key !== 'function') return new SdkCopyError(describeMismatch(product));
  let message = described.get(key);
  if (message === undefined) {
    message = describeMismatch(product);
    described.set(key, message);
  }
  return new SdkCopyError(message);
}

function describeMismatch(product: unknown): string {
  const ours = lambdaMcpCopy();
  const oursText = ours ? `${SDK} ${ours.version} (${ours.dir})` : `the copy of ${SDK} bundled with it`;
  const sdkClass = sdkClassOf(product);
  if (!sdkClass) {
    return (
      `the server factory returned ${kindOf(product)}, not an McpServer or Server of ${SDK} ` +
      `(lambda-mcp uses ${oursText}); every request answers 500 until it returns the server it built.`
    );
  }
  const theirs = copyOf(sdkClass, ours?.dir);
  const theirsText = theirs
    ? `${SDK} ${theirs.version} (${theirs.dir})`
    : `another copy of ${SDK} (its version could not be found)`;
  return (
    `the server factory returned ${sdkClass.name === 'McpServer' ? 'an' : 'a'} ${sdkClass.name} from ` +
    `${theirsText}, but lambda-mcp uses ${oursText}. The SDK's handler does not recognise a server from ` +
    `another copy (every 2026-07-28 request would fail) and the two copies' types clash, so every request ` +
    `answers 500 until one copy remains: install one version of ${SDK} that both accept ` +
    `(\`npm ls ${SDK}\` lists the copies, \`npm dedupe\` merges them).`
  );
}

/** The SDK copy this module imports, or `undefined` when it is bundled (no package folder to read). */
export function lambdaMcpCopy(): SdkCopy | undefined {
  try {
    return packageOf(createRequire(import.meta.url).resolve(SDK));
  } catch {
    return undefined;
  }
}

/**
 * The SDK class `product` was built from: the first class up its prototype chain named `McpServer` or
 * `Server` with the methods of that SDK class (a user's subclass is never run, only the SDK's own class).
 */
function sdkClassOf(product: unknown): AnyClass | undefined {
  if (typeof product !== 'object' || product === null) return undefined;
  for (let proto = Object.getPrototypeOf(product); proto; proto = Object.getPrototypeOf(proto)) {
    const ctor: unknown = proto.constructor;
    if (typeof ctor !== 'function' || ctor.prototype !== proto) continue;
    const methods =
      ctor.name === 'McpServer' ? ['connect', 'registerTool'] : ['connect', 'setRequestHandler'];
    if (
      (ctor.name === 'McpServer' || ctor.name === 'Server') &&
      methods.every((m) => typeof proto[m] === 'function')
    ) {
      return ctor as AnyClass;
    }
  }
  return undefined;
}

/**
 * The package copy `sdkClass` comes from: the class is constructed with arguments that stop it at the first
 * property it reads, and the files on the stack at that moment are walked up to the SDK's package.json
 * (`exceptDir`, lambda-mcp's own copy, is skipped).
 */
export function copyOf(sdkClass: AnyClass, exceptDir?: string): SdkCopy | undefined {
  for (const file of filesOnStackOf(sdkClass)) {
    const copy = packageOf(file);
    if (copy && copy.dir !== exceptDir) return copy;
  }
  return undefined;
}

const STOP = Symbol('stop');

function filesOnStackOf(sdkClass: AnyClass): string[] {
  let sites: NodeJS.CallSite[] = [];
  const stop = (): never => {
    if (sites.length === 0) {
      const holder: { stack?: unknown } = {};
      Error.captureStackTrace(holder, stop);
      if (Array.isArray(holder.stack)) sites = holder.stack as NodeJS.CallSite[];
    }
    throw STOP;
  };
  const probe = new Proxy(
    {},
    { get: stop, has: stop, ownKeys: stop, getOwnPropertyDescriptor: stop, getPrototypeOf: stop, set: stop },
  );
  const { stackTraceLimit, prepareStackTrace } = Error;
  Error.stackTraceLimit = 64;
  Error.prepareStackTrace = (_error, callSites) => callSites;
  try {
    Reflect.construct(sdkClass, [probe, probe]);
  } catch {
    // The probe stopped it (or it refused the arguments before reading them: then nothing was captured).
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
  const files: string[] = [];
  for (const site of sites) {
    const name = site.getFileName();
    if (!name || name.startsWith('node:')) continue;
    const file = name.startsWith('file:') ? fileURLToPath(name) : name;
    if (!files.includes(file)) files.push(file);
  }
  return files;
}

/** The SDK package enclosing `file`, from the nearest package.json named after it. */
function packageOf(file: string): SdkCopy | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (name === SDK && typeof version === 'string') return { version, dir };
      } catch {
        // Not JSON: keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'a plain object';
}
