// A second copy of `@modelcontextprotocol/server`, for real: the installed package copied into a temporary
// node_modules with its version set to 2.3.1 (its own `@modelcontextprotocol/core` beside it, as npm would
// nest it), imported from there, and a factory that builds its server from that copy.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpServer, Server } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { LambdaMcpServerFactory } from '../context.js';
import { createLambdaMcp } from '../core.js';
import type { RequestRecord } from '../options.js';
import { checkServerCopy, copyOf, lambdaMcpCopy, SdkCopyError } from './sdk-copy.js';

const KEY = 'cd'.repeat(32);
const SDK = '@modelcontextprotocol/server';

/** The folder of the installed package `name`, found from `from` by resolving `subpath` in it. */
function packageDir(from: string, name: string, subpath = name): string {
  let dir = dirname(createRequire(from).resolve(subpath));
  while (!isPackage(dir, name)) {
    if (dirname(dir) === dir) throw new Error(`no ${name} above ${from}`);
    dir = dirname(dir);
  }
  return realpathSync(dir);
}

function isPackage(dir: string, name: string): boolean {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name;
  } catch {
    return false;
  }
}

const installed = packageDir(import.meta.url, SDK);
const installedVersion: string = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version;

interface SecondSdk {
  McpServer: new (...args: unknown[]) => { registerTool: McpServer['registerTool'] };
  Server: new (...args: unknown[]) => object;
}

let root: string;
let secondDir: string;
let second: SecondSdk;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lambda-mcp-second-sdk-'));
  const modules = join(root, 'node_modules');
  secondDir = join(modules, SDK);
  mkdirSync(dirname(secondDir), { recursive: true });
  cpSync(installed, secondDir, { recursive: true });
  const core = packageDir(
    join(installed, 'package.json'),
    '@modelcontextprotocol/core',
    '@modelcontextprotocol/core/internal',
  );
  cpSync(core, join(modules, '@modelcontextprotocol/core'), { recursive: true });
  symlinkSync(packageDir(join(core, 'package.json'), 'zod'), join(modules, 'zod'), 'dir');
  const manifestPath = join(secondDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: '2.3.1' }, null, 2));
  const entry: string = manifest.exports['.'].import.default;
  second = (await import(pathToFileURL(join(secondDir, entry)).href)) as SecondSdk;
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

let stderr: MockInstance<typeof console.error> | undefined;
afterEach(() => stderr?.mockRestore());

const BOTH = 'application/json, text/event-stream';
const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'unit', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: BOTH, ...headers },
    body: JSON.stringify(body),
  });
}

const modernCall = (id: number) =>
  post(
    { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'hello', arguments: {}, _meta: meta } },
    { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'hello' },
  );

const legacyInitialize = post({
  jsonrpc: '2.0',
  id: 7,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'unit', version: '1' } },
});

function served(factory: LambdaMcpServerFactory) {
  const records: RequestRecord[] = [];
  const errors: Error[] = [];
  const handler = createLambdaMcp(factory, {
    requestStateKey: KEY,
    onrequest: (record) => records.push(record),
    onerror: (error) => errors.push(error),
  });
  return { handler, records, errors };
}

describe('the SDK copy check', () => {
  it('passes the servers of the copy lambda-mcp imports, subclasses included', () => {
    class Custom extends McpServer {}
    expect(checkServerCopy(new McpServer({ name: 'a', version: '1' }))).toBeUndefined();
    expect(checkServerCopy(new Server({ name: 'a', version: '1' }))).toBeUndefined();
    expect(checkServerCopy(new Custom({ name: 'a', version: '1' }))).toBeUndefined();
    expect(lambdaMcpCopy()).toEqual({ version: installedVersion, dir: installed });
  });

  it('finds the package a foreign server class comes from', () => {
    expect(copyOf(second.McpServer, installed)).toEqual({ version: '2.3.1', dir: realpathSync(secondDir) });
    expect(copyOf(second.Server, installed)).toEqual({ version: '2.3.1', dir: realpathSync(secondDir) });
  });

  it('answers every request with a clear 500 and writes both versions to stderr once', async () => {
    stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { handler, records, errors } = served(() => {
      const server = new second.McpServer({ name: 'second-copy', version: '1.0.0' });
      server.registerTool('hello', { description: 'Says hello' }, async () => ({
        content: [{ type: 'text', text: 'hi' }],
      }));
      return server as unknown as McpServer;
    });

    for (const [request, id] of [
      [modernCall(1), 1],
      [modernCall(2), 2],
      [legacyInitialize, 7],
    ] as const) {
      const response = await handler.fetch(request);
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32603 } });
      expect(body.error.message).toMatch(/did not return a server of the @modelcontextprotocol\/server copy/);
    }
    expect(records.map((r) => [r.era, r.status, r.errorCode])).toEqual([
      ['modern', 500, -32603],
      ['modern', 500, -32603],
      ['legacy', 500, -32603],
    ]);

    expect(stderr).toHaveBeenCalledTimes(1);
    const line = String(stderr.mock.calls[0]?.[0]);
    expect(line).toMatch(
      /^lambda-mcp: the server factory returned an McpServer from @modelcontextprotocol\/server 2\.3\.1 /,
    );
    expect(line).toContain(realpathSync(secondDir));
    expect(line).toContain(`but lambda-mcp uses ${SDK} ${installedVersion} (${installed})`);
    expect(line).not.toContain('\n');
    // Reported once on stderr, not once per request through onerror.
    expect(errors).toEqual([]);
  });

  it('names the low-level Server of another copy too', () => {
    const error = checkServerCopy(new second.Server({ name: 'second-copy', version: '1.0.0' }));
    expect(error).toBeInstanceOf(SdkCopyError);
    expect(error?.message).toMatch(/returned a Server from @modelcontextprotocol\/server 2\.3\.1/);
  });

  it('says "another copy" when the foreign class has no package to read', () => {
    // Shaped like the SDK's class, but defined here: no @modelcontextprotocol/server package.json above it.
    class McpServer {
      readonly name: string;
      constructor(info: { name: string }) {
        this.name = info.name;
      }
      connect() {}
      registerTool() {}
    }
    const error = checkServerCopy(new McpServer({ name: 'bundled' }));
    expect(error?.message).toMatch(
      /returned an McpServer from another copy of @modelcontextprotocol\/server \(its version could not be found\)/,
    );
  });

  it('tells a factory that returns no server at all what it returned', async () => {
    stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { handler } = served(() => ({ name: 'not a server' }) as unknown as McpServer);
    expect((await handler.fetch(modernCall(3))).status).toBe(500);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /^lambda-mcp: the server factory returned a plain object, not an McpServer or Server of @modelcontextprotocol\/server/,
    );
  });
});
