// lambda-mcp-client and the Tasks extension (SEP-2663) as a user runs it: `call --task` and
// `--cancel-after` in a child process against the conformance fixture server (in this process), its input
// questions answered through a scripted terminal, and `test --suite tasks`, which passes against the fixture
// and fails, naming the broken checks, behind a proxy that breaks the SEP (tasks/get answered with
// resultType "task", tasks/list answered with a result).

import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTaskCall, type TaskCallIo } from '../packages/lambda-mcp-client/src/commands/call-task.js';
import type { JsonReport } from '../packages/lambda-mcp-client/src/runner/report.js';
import { type RunningConformanceServer, startConformanceServer } from './conformance/serve.js';
import { type CliRun, cliRunner } from './support/cli-runner.js';

let fixture: RunningConformanceServer;
const runner = cliRunner();
const files: string[] = [];

beforeAll(async () => {
  fixture = await startConformanceServer({ port: 0 });
});

afterEach(() => {
  runner.killAll();
  for (const file of files.splice(0)) rmSync(file, { force: true });
});

afterAll(async () => {
  await fixture?.close();
});

/** Runs `lambda-mcp-client …args` to its exit. */
const cli = (args: string[]): Promise<CliRun> => runner.run(args);

async function brokenProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const method = req.headers['mcp-method'];
    if (method === 'tasks/list') {
      const id = (JSON.parse(body) as { id?: unknown }).id ?? null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { resultType: 'complete', tasks: [] } }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers.set(name, value);
    }
    const answer = await fetch(target, { method: req.method, headers, body: body || undefined });
    let text = await answer.text();
    if (method === 'tasks/get' && answer.headers.get('content-type')?.includes('application/json')) {
      const message = JSON.parse(text) as { result?: Record<string, unknown> };
      if (message.result) message.result.resultType = 'task';
      text = JSON.stringify(message);
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reportFile(name: string): string {
  const file = join(tmpdir(), `lambda-mcp-client-tasks-${process.pid}-${name}.json`);
  files.push(file);
  return file;
}

describe('lambda-mcp-client call --task', () => {
  it('follows slow_compute to its result, one status line per change on stderr', async () => {
    const run = await cli(['call', '--task', '--url', fixture.url, 'slow_compute', '{"seconds":1}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      content: [{ type: 'text', text: 'Computed compute after 1 s' }],
    });
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^task [\w-]{22}: working/);
    expect(lines.at(-1)).toMatch(/^task [\w-]{22}: completed/);
    // One line per change: never the same status and message twice in a row.
    for (let i = 1; i < lines.length; i++) expect(lines[i]).not.toBe(lines[i - 1]);
  });

  it('--cancel-after 200 cancels a longer task: exit 1, says cancelled', async () => {
    const run = await cli([
      'call',
      '--task',
      '--cancel-after',
      '200',
      '--url',
      fixture.url,
      'slow_compute',
      '{"seconds":30}',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/sent tasks\/cancel for task [\w-]{22} after 200 ms/);
    expect(run.stderr).toMatch(/task [\w-]{22}: cancelled/);
    expect(run.stderr).toMatch(/lambda-mcp-client call: task [\w-]{22} was cancelled/);
    expect(run.ms).toBeLessThan(15_000);
  });

  it('a task that completes before --cancel-after stays completed (exit 0)', async () => {
    const run = await cli(['call', '--task', '--cancel-after', '5000', '--url', fixture.url, 'greet']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('answered at once (not as a task)');
    const fast = await cli([
      'call',
      '--task',
      '--cancel-after',
      '30000',
      '--url',
      fixture.url,
      'slow_compute',
      '{"seconds":0}',
    ]);
    expect(fast.code).toBe(0);
    expect(fast.stderr).not.toContain('tasks/cancel');
    expect(JSON.parse(fast.stdout).content[0].text).toBe('Computed compute after 0 s');
  });

  it('prints the JSON-RPC error of a failed task and exits 1', async () => {
    const run = await cli(['call', '--task', '--url', fixture.url, 'protocol_error_job']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: -32603, message: 'Simulated internal failure' },
    });
    expect(run.stderr).toMatch(/task [\w-]{22} failed: Simulated internal failure \[code -32603\]/);
  });

  it('with no terminal, input a task needs fails clearly and the task is cancelled', async () => {
    const run = await cli(['call', '--task', '--url', fixture.url, 'confirm_delete', '{"filename":"a.txt"}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task [\w-]{22}: input_required/);
    expect(run.stderr).toMatch(
      /the server needs input \("Delete a\.txt\?"\) and there is no terminal to ask on .*; cancelled task [\w-]{22}/,
    );
  });

  it('--task is a usage error on a 2025 revision, --cancel-after without --task too', async () => {
    const legacy = await cli([
      'call',
      '--task',
      '--protocol-version',
      '2025-11-25',
      '--url',
      fixture.url,
      'greet',
    ]);
    expect(legacy.code).toBe(2);
    expect(legacy.stderr).toContain('--task needs --protocol-version 2026-07-28');
    const alone = await cli(['call', '--cancel-after', '100', '--url', fixture.url, 'greet']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cancel-after needs --task');
  });

  it('answers inputRequests through the terminal and tasks/update (scripted answers)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const io: TaskCallIo = {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      tty: false,
      ask: async (request) => {
        asked.push(`${request.via}: ${request.message}`);
        return { action: 'accept', content: { confirm: true } };
      },
    };
    const options = { url: new URL(fixture.url), debug: false, protocolVersion: '2026-07-28' as const };
    const code = await runTaskCall('confirm_delete', { filename: 'b.txt' }, { ...options, task: true }, io);
    expect(code).toBe(0);
    expect(asked).toEqual(['input_required: Delete b.txt?']);
    expect(JSON.parse(out.join(''))).toEqual({ content: [{ type: 'text', text: 'Deleted b.txt' }] });
    expect(err.join('')).toMatch(/input_required[\s\S]*completed/);
    // MRTR before the task exists (beforeTask), then the task itself.
    const names: string[] = [];
    io.ask = async (request) => {
      names.push(request.message);
      return { action: 'accept', content: { name: 'Ada' } };
    };
    out.length = 0;
    expect(await runTaskCall('test_tool_with_task', {}, { ...options, task: true }, io)).toBe(0);
    expect(names).toEqual(['What is your name?']);
    expect(JSON.parse(out.join(''))).toEqual({ content: [{ type: 'text', text: 'Hello, Ada!' }] });
  });
});

describe('lambda-mcp-client test --suite tasks', () => {
  it('passes against the conformance fixture, with every check run', async () => {
    const file = reportFile('pass');
    const run = await cli(['test', '--url', fixture.url, '--suite', 'tasks', '--json', file]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
    expect(report.suites).toEqual(['tasks']);
    expect(report.totals).toEqual({ pass: 8, fail: 0, skip: 0, total: 8 });
    expect(report.tests.every((t) => t.version === '2026-07-28')).toBe(true);
    const input = report.tests.find((t) => t.name.startsWith('input:'));
    expect(input?.notes?.[0]).toMatch(/^confirm_delete asked confirm; after tasks\/update it is completed/);
    expect(run.stdout).toMatch(/PASS: 8 passed, 0 skipped of 8, none failed/);
  });

  it('fails against a server that breaks the SEP, naming the broken checks', async () => {
    const proxy = await brokenProxy(fixture.url);
    try {
      const file = reportFile('broken');
      const run = await cli([
        'test',
        '--url',
        proxy.url,
        '--suite',
        'tasks',
        '--task-tool',
        'slow_compute',
        '--json',
        file,
      ]);
      expect(run.code).toBe(1);
      const report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
      const failed = report.tests.filter((t) => t.outcome === 'fail').map((t) => t.name.split(':')[0]);
      expect(failed).toEqual([
        'lifecycle',
        'cancel',
        'input',
        'tasks/list and tasks/result answer -32601 (the extension removed them)',
      ]);
      expect(run.stdout).toContain('tasks/get must answer resultType "complete"');
      expect(run.stdout).toContain('tasks/list must answer -32601 (method not found)');
      expect(report.totals).toMatchObject({ pass: 4, fail: 4, skip: 0 });
    } finally {
      await proxy.close();
    }
  });

  it('skips every check, never passing, on a server without the extension', async () => {
    const { serveLocal } = await import('lambda-mcp/node');
    const { createLambdaMcp } = await import('lambda-mcp');
    const { McpServer } = await import('@modelcontextprotocol/server');
    const handler = createLambdaMcp(() => {
      const server = new McpServer({ name: 'no-tasks', version: '1.0.0' });
      server.registerTool('hello', { description: 'Says hello' }, async () => ({
        content: [{ type: 'text', text: 'hello' }],
      }));
      return server;
    });
    const plain = await serveLocal(handler, { port: 0, host: '127.0.0.1' });
    try {
      const run = await cli(['test', '--url', plain.url, '--suite', 'tasks']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/NOT RUN: all 8 tests were skipped/);
      expect(run.stdout.match(/not run: the server does not advertise the Tasks extension/g)).toHaveLength(8);
    } finally {
      await plain.close();
    }
  });
});
