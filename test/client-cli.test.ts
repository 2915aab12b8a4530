// lambda-mcp-client `test` as a user runs it: the executable in a child process against the reference server
// (every suite passes, the report and the JSON agree, skips never count as passes) and against broken
// fixture servers, which must fail with the broken rule named.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalMcpServer, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import type { JsonReport } from '../packages/lambda-mcp-client/src/runner/report.js';
import { type ClientTestServerKind, startClientTestServer } from './fixtures/client-test-servers.js';
import { TEST_KEY } from './helpers.js';
import { type CliRun, cliRunner, NO_AWS } from './support/cli-runner.js';

const VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'];

const savedAws = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AWS_')));
let app: AwsMonitorApp;
let reference: LocalMcpServer;
let dir: string;
const servers: LocalMcpServer[] = [];
const cli = cliRunner();

beforeAll(async () => {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, NO_AWS);
  app = await buildAwsMonitor(
    { requestStateKey: TEST_KEY, ...localServerOptions('127.0.0.1') },
    { LOG_LEVEL: 'SILENT', ADMIN_TOOLS: 'true', PUBLISH_TOOL: 'true', ...NO_AWS },
    () => {},
  );
  reference = await serveLocal(app.handler, { port: 0, host: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'lambda-mcp-client-test-'));
});

afterEach(async () => {
  cli.killAll();
  for (const server of servers.splice(0)) await server.close();
});

afterAll(async () => {
  await reference?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, savedAws);
});

/** Runs `lambda-mcp-client test …args` to its exit. */
const runTest = (args: string[]): Promise<CliRun> => cli.run(['test', ...args]);

async function fixture(kind: ClientTestServerKind): Promise<LocalMcpServer> {
  const server = await startClientTestServer(kind);
  servers.push(server);
  return server;
}

function readReport(file: string): JsonReport {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
}

/** The JSON report's totals must be the count of the tests it lists, by outcome. */
function expectConsistent(report: JsonReport): void {
  const count = (outcome: string) => report.tests.filter((t) => t.outcome === outcome).length;
  expect(report.totals).toEqual({
    pass: count('pass'),
    fail: count('fail'),
    skip: count('skip'),
    total: report.tests.length,
  });
  for (const test of report.tests.filter((t) => t.outcome === 'skip')) expect(test.reason).toBeTruthy();
}

describe('lambda-mcp-client test against the reference server', () => {
  it('passes the protocol suite on every revision and prints the summary table', async () => {
    const result = await runTest(['--url', reference.url, '--suite', 'protocol']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/suite\s+pass\s+fail\s+skip\s+total\n/);
    expect(result.stdout).toMatch(/\nprotocol\s+(\d+)\s+0\s+0\s+\1\n/);
    expect(result.stdout).toMatch(/PASS: \d+ passed, 0 skipped of \d+, none failed/);
    expect(result.stdout).not.toContain('\u001b['); // Not a TTY: no colors.
    // The header comes first, before any test output: target, suites, revisions, the planned count.
    expect(result.stdout).toMatch(
      new RegExp(
        `^lambda-mcp-client test ${reference.url.replaceAll('.', '\\.')}\nsuites: protocol; revisions: ${VERSIONS.join(', ')}\n(\\d+) planned tests`,
      ),
    );
    // The progress goes to stderr, a plain line per test off a TTY, its total the planned count throughout.
    expect(result.stderr).toMatch(/\[1\/\d+\] pass protocol \[any\] PUT answers 405/);
    const planned = Number(/(\d+) planned tests/.exec(result.stdout)?.[1]);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('['));
    expect(progress).toHaveLength(planned);
    for (const [index, line] of progress.entries())
      expect(line).toMatch(new RegExp(`^\\[${index + 1}/${planned}\\] `));
    for (const version of VERSIONS) {
      expect(result.stderr).toContain(`pass protocol [${version}] POST with invalid JSON answers 400`);
    }
  });

  it('--suite all runs every suite; the JSON totals are the tests listed and skips are not passes', async () => {
    const file = join(dir, 'all.json');
    const result = await runTest([
      '--url',
      reference.url,
      '--suite',
      'all',
      '--detailed-report',
      '--json',
      file,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('not implemented');
    // The header first, then the detailed report, then the summary table.
    expect(result.stdout).toMatch(
      /^lambda-mcp-client test .+\nsuites: protocol, sessions, streaming, tools, tasks; /,
    );
    expect(result.stdout).toMatch(/\n\nTests\n[\s\S]+\nsuite +pass +fail +skip +total\n/);
    // The total never grows: follow-ups (one per tool) are numbered under the test that queued them.
    const planned = Number(/(\d+) planned tests/.exec(result.stdout)?.[1]);
    const totals = new Set([...result.stderr.matchAll(/^\[[\d.]+\/(\d+)\] /gm)].map((m) => Number(m[1])));
    expect(totals).toEqual(new Set([planned]));
    expect(result.stderr).toMatch(/^\[\d+\.1\/\d+\] pass tools \[2026-07-28\] /m);
    expect(result.stdout).toMatch(/pass +\d+ ms {2}tools \[2026-07-28\] session_info: call with \{\}/);

    const report = readReport(file);
    expect(report.url).toBe(reference.url);
    expect(report.suites).toEqual(['protocol', 'sessions', 'streaming', 'tools', 'tasks']);
    expect(report.versions).toEqual(VERSIONS);
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));
    expectConsistent(report);
    expect(report.totals.fail).toBe(0);
    expect(new Set(report.tests.map((t) => t.suite))).toEqual(
      new Set(['protocol', 'sessions', 'streaming', 'tools', 'tasks']),
    );
    expect(result.stdout).toMatch(/\nstreaming\s+(\d+)\s+0\s+0\s+\1\n/);
    expect(result.stdout).toContain(
      `PASS: ${report.totals.pass} passed, ${report.totals.skip} skipped of ${report.totals.total}, none failed`,
    );
    // The tools suite listed and called every reference tool on every revision.
    for (const version of VERSIONS) {
      const calls = report.tests.filter(
        (t) => t.suite === 'tools' && t.version === version && / call/.test(t.name),
      );
      expect(calls.map((t) => t.name.split(':')[0]).sort()).toEqual([
        'aws_real_time_monitor',
        'lambda_diagnostics',
        'list_active_sessions',
        'publish_event',
        'session_info',
      ]);
      expect(calls.every((t) => t.outcome === 'pass')).toBe(true);
    }
    // No AWS configuration here: the monitor answers an error result, which passes only with its text noted.
    const monitor = report.tests.find((t) => t.name.startsWith('aws_real_time_monitor: call'));
    expect(monitor?.notes?.join(' ')).toMatch(/isError: true\): No AWS (region|credentials)/);
    // Without AWS access only the internal tool events log (at info, on the session's GET stream, which may
    // arrive after the call's answer): the check passes when they are seen in time, else skips saying why.
    const logging = report.tests.filter((t) => t.name.startsWith('logging/setLevel is applied'));
    expect(logging).toHaveLength(3);
    for (const test of logging) {
      if (test.outcome === 'skip')
        expect(test.reason).toContain('no tool sent a notifications/message at level debug');
      else expect(test.outcome).toBe('pass');
    }
  });

  it('passes the streaming suite on every revision, with --concurrency streams, leaving no session behind', async () => {
    const sessions = async () => (await app.deps.stores.sessionStore.list({ limit: 100 })).sessions.length;
    const before = await sessions();
    const file = join(dir, 'streaming.json');
    const result = await runTest([
      '--url',
      reference.url,
      '--suite',
      'streaming',
      '--concurrency',
      '8',
      '--detailed-report',
      '--json',
      file,
    ]);
    expect(result.code).toBe(0);
    const report = readReport(file);
    expectConsistent(report);
    expect(report.suites).toEqual(['streaming']);
    // Nothing skipped: the reference server has the publish hook, GET streams and tools.listChanged.
    expect(report.totals).toMatchObject({ fail: 0, skip: 0 });
    const names = (version: string) =>
      report.tests.filter((t) => t.version === version).map((t) => t.name.split(':')[0]);
    expect(names('2026-07-28')).toEqual([
      'subscriptions/listen is acknowledged and carries a published tools/list_changed',
    ]);
    expect(names('2025-11-25')).toEqual([
      'the GET stream opens with a priming event',
      'Last-Event-ID resumes the GET stream',
      '--concurrency GET streams on as many sessions all receive one broadcast event',
      "a session-targeted event reaches its session's GET stream and no other",
      'logging/setLevel warning holds back published events (info) on the GET stream, not change notifications',
    ]);
    for (const version of ['2025-06-18', '2025-03-26']) expect(names(version)).toHaveLength(4);
    expect(result.stdout).toMatch(/note: priming event id get\.\d+~\S+, retry \d+ ms/);
    expect(result.stdout).toMatch(
      /note: 8 streams received event [\w-]+; the last \d+ ms after publishing began/,
    );
    expect(result.stdout).toMatch(/note: resumed from get\.\S+ on one live connection/);
    // Every session the suite opened was ended with DELETE.
    expect(await sessions()).toBe(before);
  });

  it('exits 2 when no test applies (the sessions suite on 2026-07-28)', async () => {
    const result = await runTest([
      '--url',
      reference.url,
      '--suite',
      'sessions',
      '--protocol-version',
      '2026-07-28',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the sessions suite covers the 2025 revisions only');
  });
});

describe('lambda-mcp-client test against fixture servers', () => {
  it('runs the logging check for real where a read-only tool logs', async () => {
    const server = await fixture('sound');
    const file = join(dir, 'sound.json');
    const result = await runTest([
      '--url',
      server.url,
      '--suite',
      'sessions',
      '--protocol-version',
      '2025-11-25',
      '--json',
      file,
    ]);
    expect(result.code).toBe(0);
    const report = readReport(file);
    expectConsistent(report);
    const logging = report.tests.find((t) => t.name.startsWith('logging/setLevel is applied'));
    expect(logging).toMatchObject({
      outcome: 'pass',
      notes: [expect.stringContaining('log_steps logged at info')],
    });
  });

  it('fails the sessions suite when initialize answers without Mcp-Session-Id', async () => {
    const server = await fixture('no-session-id');
    const file = join(dir, 'no-session.json');
    const result = await runTest([
      '--url',
      server.url,
      '--suite',
      'sessions',
      '--protocol-version',
      '2025-11-25',
      '--json',
      file,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('initialize must return an Mcp-Session-Id header');
    expect(result.stdout).toMatch(/FAIL: \d+ failed/);
    const report = readReport(file);
    expectConsistent(report);
    const first = report.tests.find((t) => t.name.startsWith('initialize returns an Mcp-Session-Id'));
    expect(first?.outcome).toBe('fail');
    expect(first?.exchanges?.[0]).toMatchObject({ method: 'POST', status: 200 });
    expect(first?.exchanges?.[0]?.responseHeaders?.['mcp-session-id']).toBeUndefined();
  });

  it('fails the protocol suite, naming the -32700 rule and showing the exchange, when malformed JSON gets 200', async () => {
    const server = await fixture('accepts-malformed-json');
    const result = await runTest(['--url', server.url, '--suite', 'protocol', '--detailed-report']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'POST with invalid JSON must answer 400 with JSON-RPC -32700 (parse error) (got 200 application/json',
    );
    expect(result.stdout).toMatch(/FAIL +\d+ ms {2}protocol \[2026-07-28\] POST with invalid JSON/);
    expect(result.stdout).toMatch(/wire exchange:\n\s+→ POST http:\/\/127\.0\.0\.1:\d+\/mcp\n/);
    expect(result.stdout).toMatch(/← 200 \(\d+ ms\)/);
    // Only the malformed-JSON checks broke: one per revision.
    expect(result.stdout).toMatch(/FAIL: 4 failed/);
  });

  it('fails the streaming suite, naming the fan-out rule, when the publish hook never broadcasts', async () => {
    const server = await fixture('never-broadcasts');
    const file = join(dir, 'never-broadcasts.json');
    const result = await runTest([
      '--url',
      server.url,
      '--suite',
      'streaming',
      '--protocol-version',
      '2025-11-25',
      '--timeout',
      '1500',
      '--json',
      file,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /every open stream must receive the broadcast event \(published once, global\) within \d+ ms \(got it on 0 of 5 streams; missing on stream 1, 2, 3, 4, 5\)/,
    );
    const report = readReport(file);
    expectConsistent(report);
    const outcome = (prefix: string) => report.tests.find((t) => t.name.startsWith(prefix))?.outcome;
    // The GET stream itself is sound; every check that needs a published event fails.
    expect(outcome('the GET stream opens with a priming event')).toBe('pass');
    expect(outcome('Last-Event-ID resumes')).toBe('fail');
    expect(outcome('--concurrency GET streams')).toBe('fail');
    expect(outcome('a session-targeted event')).toBe('fail');
    expect(outcome('logging/setLevel warning')).toBe('fail');
    expect(report.totals).toMatchObject({ pass: 1, fail: 4, skip: 0 });
  });

  it('skips the broadcast checks, saying why, when the server has no publish hook', async () => {
    const server = await fixture('sound');
    const file = join(dir, 'no-hook.json');
    const result = await runTest([
      '--url',
      server.url,
      '--suite',
      'streaming',
      '--protocol-version',
      '2025-11-25',
      '--json',
      file,
    ]);
    expect(result.code).toBe(0);
    const report = readReport(file);
    expectConsistent(report);
    expect(report.totals).toMatchObject({ pass: 1, fail: 0, skip: 4 });
    for (const test of report.tests.filter((t) => t.outcome === 'skip')) {
      expect(test.reason).toMatch(/no documented publish hook|does not declare tools\.listChanged/);
      // The reason says how to turn the reference server's hook on.
      if (/no documented publish hook/.test(test.reason ?? ''))
        expect(test.reason).toContain('PUBLISH_TOOL=true');
    }
    expect(result.stdout).toMatch(/PASS: 1 passed, 4 skipped of 5, none failed/);
  });

  it('fails a test that outlives --timeout', async () => {
    const server = await fixture('hangs-on-tools-list');
    const result = await runTest([
      '--url',
      server.url,
      '--suite',
      'tools',
      '--protocol-version',
      '2026-07-28',
      '--timeout',
      '1000',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('timed out after 1000 ms (--timeout)');
  });
});
