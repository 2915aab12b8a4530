// What `npm start` promises, checked the way a user meets it: the reference server's start script runs as
// its own process, prints its URL, and real SDK clients of both eras use it over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernTransport,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let child: ChildProcess;
let url: string;
let startOutput = '';

/** Runs `npm start`'s entry to its exit with `env` added; resolves its exit code and what it printed. */
function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawn(process.execPath, ['--import', 'tsx', 'examples/aws-monitor/src/serve.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', MCP_REQUEST_STATE_KEY: '34'.repeat(32), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  run.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  run.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => run.once('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'examples/aws-monitor/src/serve.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MCP_REQUEST_STATE_KEY: '34'.repeat(32) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/mcp).*\n.*\n/);
      startOutput = output;
      if (match?.[1]) resolve(match[1]);
    });
  });
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

describe('npm start (the reference server on node:http)', () => {
  it('serves a 2025 session to the v1 client over HTTP, GET stream and DELETE included', async () => {
    const client = new Client({ name: 'start-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    const result = await client.callTool({ name: 'session_info', arguments: {} });
    expect(result.structuredContent).toMatchObject({
      era: 'legacy',
      hasSession: true,
      sessionId: transport.sessionId,
      clientInfo: { name: 'start-test', version: '1' },
    });
    await transport.terminateSession();
    await client.close();
  });

  it('serves 2026-07-28 to the v2 client over HTTP, with no session', async () => {
    const client = new ModernClient(
      { name: 'start-test-v2', version: '2' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(new ModernTransport(new URL(url)));
    const result = await client.callTool({ name: 'session_info', arguments: {} });
    expect(result.structuredContent).toMatchObject({
      era: 'modern',
      hasSession: false,
      protocolVersion: '2026-07-28',
      clientInfo: { name: 'start-test-v2', version: '2' },
    });
    await client.close();
  });

  it('answers 404 off the /mcp path and 403 to a rebinding Host', async () => {
    const off = await fetch(url.replace('/mcp', '/other'));
    expect(off.status).toBe(404);
    // fetch() will not send a foreign Host header; node:http will, as a rebinding browser would.
    const target = new URL(url);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            host: 'attacker.example',
            'content-type': 'application/json',
            accept: 'application/json',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    });
    expect(rebound).toBe(403);
  });

  it('prints, after its URL, the one command to try next', () => {
    expect(startOutput).toContain(`try it: npx lambda-mcp-client connect --url ${url}\n`);
  });

  it('a taken port: one line naming PORT, exit 1, no stack', async () => {
    const taken = await runToExit({ PORT: new URL(url).port });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`port ${new URL(url).port} is in use: set PORT (e.g. PORT=3001 npm start)\n`);
    expect(taken.stdout).toBe('');
  });

  it('a setting that is not valid: its message alone, exit 2', async () => {
    const bad = await runToExit({ PORT: '0', SSE_MODE: 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('lambda-mcp: SSE_MODE must be live or poll; got "sometimes"\n');
  });
});
