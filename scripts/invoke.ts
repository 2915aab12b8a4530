// `npm run invoke -- <event.json>`: runs the built Lambda artifact (dist/lambda/http, rebuilt when older
// than the sources) once in a child Node process with a Lambda-like environment and context. The handler's
// logs go to stderr; its result comes back over IPC and is printed as JSON on stdout.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambda, ROOT } from './build-lambda.js';

/** The artifact `npm run build:lambda` writes, used unless `--artifact` (or INVOKE_ARTIFACT) names another. */
export const DEFAULT_ARTIFACT = join(ROOT, 'dist/lambda/http');

/** What the handler's build depends on: a newer file here means the default artifact is rebuilt first. */
const SOURCES = [
  'examples/aws-monitor/src',
  'examples/aws-monitor/data',
  'packages/lambda-mcp/src',
  'scripts/build-lambda.ts',
  'package-lock.json',
];

/** The function `npm run invoke` pretends to be. */
const FUNCTION_NAME = 'aws-monitor-local';
const DEFAULT_MEMORY_MB = '1024';
const DEFAULT_TIMEOUT_MS = 30_000;
/** Lambda's limit on the init phase (module load and top-level await). */
const INIT_LIMIT_MS = 10_000;

/** Options of {@link invoke}. */
export interface InvokeOptions {
  /** The artifact folder (holding `index.mjs`); default {@link DEFAULT_ARTIFACT}, built when stale. */
  artifact?: string;
  /** The function timeout: `getRemainingTimeInMillis` counts down from it (default 30000). */
  timeoutMs?: number;
  /** The environment the function sees on top of Lambda's own variables (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where invoke's own notes go (default stderr). */
  log?: (line: string) => void;
  /** Where the function's stdout and stderr go, as text (default this process's stderr). */
  output?: (text: string) => void;
  /**
   * The Node binary the function runs on (default this process's own, `process.execPath`): e.g. a Node 22
   * to try a `node22` build the way `nodejs22.x` would run it.
   */
  node?: string;
}

/** The outcome of one invocation. */
export type InvokeOutcome =
  | { ok: true; result: unknown }
  | { ok: false; phase: 'init' | 'invoke' | 'timeout'; error: SerializedError };

/** An error as the child reports it (its stack already source-mapped by --enable-source-maps). */
export interface SerializedError {
  errorType: string;
  errorMessage: string;
  stack?: string;
}

/** The messages the child sends over IPC. */
type ChildMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'result'; result: unknown; durationMs: number; maxRssMb: number }
  | { type: 'error'; phase: 'init' | 'invoke'; error: SerializedError; durationMs?: number };

/**
 * The child's program: loads the artifact (Lambda's init phase), reports ready, then runs one invocation
 * with the event the parent sends, setting `_X_AMZN_TRACE_ID` as the runtime does (an unsampled trace).
 */
const CHILD = `
const send = (message) => new Promise((done) => process.send(message, () => done()));
const serialize = (error) =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, stack: error.stack }
    : { errorType: typeof error, errorMessage: String(error) };
const [entry] = process.argv.slice(1);
const initStart = performance.now();
let handler;
try {
  handler = (await import(entry)).handler;
  if (typeof handler !== 'function') throw new TypeError(entry + ' exports no function named handler');
} catch (error) {
  await send({ type: 'error', phase: 'init', error: serialize(error) });
  process.exit(1);
}
process.once('message', async ({ event, context: fields, timeoutMs, traceId }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  process.env._X_AMZN_TRACE_ID = traceId;
  const started = performance.now();
  try {
    const result = await handler(event, context);
    const maxRssMb = Math.round(process.memoryUsage.rss() / 1024 / 1024);
    await send({ type: 'result', result: result === undefined ? null : result, durationMs: performance.now() - started, maxRssMb });
    process.exit(0);
  } catch (error) {
    await send({ type: 'error', phase: 'invoke', error: serialize(error), durationMs: performance.now() - started });
    process.exit(1);
  }
});
await send({ type: 'ready', initMs: performance.now() - initStart });
`;

/**
 * Runs the artifact's `handler` once with `event` in a child `node --enable-source-maps` (this process's
 * Node unless `options.node` names another), whose stdout and stderr (the handler's logs) go to this
 * process's stderr, or to `options.output`. Resolves with the handler's result, or with the error it threw
 * (at init, during the invocation, or the timeout); never rejects for the handler's failures.
 *
 * @example
 * const outcome = await invoke(JSON.parse(readFileSync('events/apigw-v2-initialize.json', 'utf8')));
 */
export async function invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const artifact = resolve(options.artifact ?? (await freshDefaultArtifact(log)));
  const entry = join(artifact, 'index.mjs');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run npm run build:lambda first`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = lambdaEnvironment(options.env ?? process.env, artifact, timeoutMs, log);
  const requestId = randomUUID();
  const context = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION}:123456789012:function:${env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
  const sink = options.output ? 'pipe' : process.stderr;
  const child = spawn(
    options.node ?? process.execPath,
    ['--enable-source-maps', '--input-type=module', '--eval', CHILD, pathToFileURL(entry).href],
    { env, stdio: ['ignore', sink, sink, 'ipc'] },
  );
  const { output } = options;
  if (output) {
    for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', output);
  }
  return new Promise<InvokeOutcome>((settle) => {
    let outcome: InvokeOutcome | undefined;
    let timer: NodeJS.Timeout | undefined;
    let phase: 'init' | 'invoke' = 'init';
    const finish = (result: InvokeOutcome) => {
      outcome ??= result;
      clearTimeout(timer);
    };
    const limit = (ms: number, kind: 'init' | 'timeout', message: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish({ ok: false, phase: kind, error: { errorType: 'Sandbox.Timedout', errorMessage: message } });
        child.kill('SIGKILL');
      }, ms);
    };
    limit(INIT_LIMIT_MS, 'init', `Init phase did not finish within ${INIT_LIMIT_MS / 1000} seconds`);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        phase = 'invoke';
        log(`START RequestId: ${requestId} Init Duration: ${message.initMs.toFixed(2)} ms`);
        limit(timeoutMs, 'timeout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
        child.send({ event, context, timeoutMs, traceId: traceHeader() });
      } else if (message.type === 'result') {
        log(
          `REPORT RequestId: ${requestId} Duration: ${message.durationMs.toFixed(2)} ms ` +
            `Memory Size: ${env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE} MB Max Memory Used: ${message.maxRssMb} MB`,
        );
        finish({ ok: true, result: message.result });
      } else {
        finish({ ok: false, phase: message.phase, error: message.error });
      }
    });
    child.on('error', (error) => {
      finish({ ok: false, phase, error: { errorType: error.name, errorMessage: error.message } });
      settle(outcome as InvokeOutcome);
    });
    // Settles once the process has exited and its IPC channel is closed, so every message has been read.
    let exit = '';
    let pending = 2;
    const done = () => {
      if (--pending > 0) return;
      finish({
        ok: false,
        phase,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `the function process ${exit} without a result`,
        },
      });
      settle(outcome as InvokeOutcome);
    };
    child.on('disconnect', done);
    child.on('exit', (code, signal) => {
      exit = signal ? `was killed (${signal})` : `exited with code ${code}`;
      done();
    });
  });
}

/** The environment Lambda gives a function, over the caller's own (which wins for the settable keys). */
function lambdaEnvironment(
  user: NodeJS.ProcessEnv,
  artifact: string,
  timeoutMs: number,
  log: (line: string) => void,
): NodeJS.ProcessEnv {
  const name = user.AWS_LAMBDA_FUNCTION_NAME?.trim() || FUNCTION_NAME;
  const region = user.AWS_REGION?.trim() || user.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const env: NodeJS.ProcessEnv = {
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: DEFAULT_MEMORY_MB,
    ...user,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(Math.ceil(timeoutMs / 1000)),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: user.AWS_DEFAULT_REGION?.trim() || region,
    LAMBDA_TASK_ROOT: artifact,
    _HANDLER: 'index.handler',
  };
  // A loader this process runs under (tsx) must not reach the function: it runs the bundle alone.
  delete env.NODE_OPTIONS;
  if (!env.MCP_REQUEST_STATE_KEY?.trim()) {
    env.MCP_REQUEST_STATE_KEY = randomBytes(32).toString('hex');
    log(
      'invoke: MCP_REQUEST_STATE_KEY is not set: using a random key for this invocation, so an MRTR retry ' +
        'sent in a later invoke will not verify (set it, e.g. export MCP_REQUEST_STATE_KEY=$(openssl rand -hex 32)).',
    );
  }
  return env;
}

/** An unsampled X-Ray trace header, as the runtime sets for a function without active tracing. */
function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/** The default artifact, built first when it is missing or older than any of the sources. */
async function freshDefaultArtifact(log: (line: string) => void): Promise<string> {
  const entry = join(DEFAULT_ARTIFACT, 'index.mjs');
  const built = existsSync(entry) ? (await stat(entry)).mtimeMs : undefined;
  const newer = built === undefined ? undefined : await newestSource(built);
  if (built === undefined || newer !== undefined) {
    log(
      built === undefined
        ? `invoke: ${relative(process.cwd(), entry)} is missing: building it (npm run build:lambda)`
        : `invoke: ${relative(ROOT, newer as string)} changed since the last build: rebuilding ${relative(process.cwd(), DEFAULT_ARTIFACT)}`,
    );
    await buildLambda();
  }
  return DEFAULT_ARTIFACT;
}

/** A source file modified after `since` (ms since the epoch), if any; tests are not part of the build. */
async function newestSource(since: number): Promise<string | undefined> {
  for (const source of SOURCES) {
    const path = join(ROOT, source);
    if (!existsSync(path)) continue;
    const files = (await stat(path)).isDirectory()
      ? (await readdir(path, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
          .map((entry) => join(entry.parentPath, entry.name))
      : [path];
    for (const file of files) if ((await stat(file)).mtimeMs > since) return file;
  }
  return undefined;
}

const USAGE = 'usage: npm run invoke -- <event.json> [--timeout-ms N] [--artifact <dir>]';

/** Parses the command line; throws a usage error for anything it does not know. */
function parseArgs(args: string[]): { eventFile: string; timeoutMs?: number; artifact?: string } {
  let eventFile: string | undefined;
  let timeoutMs: number | undefined;
  let artifact = process.env.INVOKE_ARTIFACT?.trim() || undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--timeout-ms') {
      timeoutMs = Number(args[++i]);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        throw new Error(`--timeout-ms needs a whole number of milliseconds\n${USAGE}`);
      }
    } else if (arg === '--artifact') {
      artifact = args[++i];
      if (!artifact) throw new Error(`--artifact needs a folder\n${USAGE}`);
    } else if (arg.startsWith('-') || eventFile !== undefined) {
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    } else {
      eventFile = arg;
    }
  }
  if (!eventFile) throw new Error(USAGE);
  // `npm run` starts scripts in the repository root; paths are meant from where the command was typed.
  const base = process.env.INIT_CWD || process.cwd();
  return {
    eventFile: resolve(base, eventFile),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(artifact && { artifact: resolve(base, artifact) }),
  };
}

async function main(args: string[]): Promise<number> {
  const { eventFile, ...options } = parseArgs(args);
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(eventFile, 'utf8'));
  } catch (error) {
    throw new Error(`${eventFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const outcome = await invoke(event, options);
  if (outcome.ok) {
    process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    return 0;
  }
  const { errorType, errorMessage, stack } = outcome.error;
  const what = {
    init: 'the function failed to start (init phase)',
    invoke: 'the handler threw',
    timeout: 'the invocation timed out',
  }[outcome.phase];
  // A stack already starts with "<type>: <message>".
  process.stderr.write(`invoke: ${what}\n${stack ?? `${errorType}: ${errorMessage}`}\n`);
  return 1;
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`invoke: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
