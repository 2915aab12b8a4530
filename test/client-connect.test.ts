// lambda-mcp-client `call` and `connect` as a user runs them: the real executable in a child process
// against servers on node:http in this process (the reference server, and the test fixture for the
// server's questions), through pipes and through a pseudo-terminal (util-linux `script`).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLambdaMcp } from 'lambda-mcp';
import { type LocalMcpServer, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import { createTestServer } from './fixtures/test-server.js';
import { TEST_KEY } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/lambda-mcp-client/bin/lambda-mcp-client.mjs');
const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
const REFERENCE_TOOLS = ['session_info', 'aws_real_time_monitor', 'lambda_diagnostics'];
/** Keeps the AWS SDK (in this process: the server's tools run here) away from real credentials and regions. */
const NO_AWS = {
  AWS_CONFIG_FILE: '/nonexistent/lambda-mcp-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/lambda-mcp-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what it removes.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

const savedAws = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AWS_')));
let app: AwsMonitorApp;
let reference: LocalMcpServer;
let fixture: LocalMcpServer;
let home: string;

beforeAll(async () => {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, NO_AWS);
  app = await buildAwsMonitor(
    { requestStateKey: TEST_KEY, ...localServerOptions('127.0.0.1') },
    { LOG_LEVEL: 'SILENT', ...NO_AWS },
    () => {},
  );
  reference = await serveLocal(app.handler, { port: 0, host: '127.0.0.1' });
  const handler = createLambdaMcp(createTestServer, {
    requestStateKey: TEST_KEY,
    ...localServerOptions('127.0.0.1'),
  });
  fixture = await serveLocal(handler, { port: 0, host: '127.0.0.1' });
  home = mkdtempSync(join(tmpdir(), 'lambda-mcp-client-'));
});

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  await reference?.close();
  await app?.close();
  await fixture?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, savedAws);
});

/** The child's environment: no AWS settings, no history file, colors left to the TTY check. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...NO_AWS, LAMBDA_MCP_CLIENT_HISTORY: '', ...extra };
  delete env.AWS_REGION;
  delete env.AWS_DEFAULT_REGION;
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return env;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running child: its output so far, and its exit. */
interface Started {
  child: ChildProcess & { stdin: NodeJS.WritableStream };
  output: { stdout: string; stderr: string };
  exited: Promise<Run>;
}

/** Starts the executable with `args`, stdin, stdout and stderr piped. */
function start(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv() });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...output }));
  });
  return { child, output, exited };
}

/** Runs the executable with `args`, writes `input` to its stdin and closes it; resolves at exit. */
function run(args: string[], input = ''): Promise<Run> {
  const { child, exited } = start(args);
  child.stdin.end(input);
  return exited;
}

/** Waits until `read()`, from index `from` on, contains `text`. */
async function waitFor(read: () => string, text: string, from = 0): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!read().slice(from).includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The JSON `call` printed. */
function printed(result: Run): { structuredContent?: Record<string, unknown>; content: { text?: string }[] } {
  return JSON.parse(result.stdout);
}

describe('lambda-mcp-client call', () => {
  it('calls session_info on 2026-07-28 (no session) and exits 0', async () => {
    const result = await run(['call', '--url', reference.url, 'session_info', '{}']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = printed(result);
    expect(json.structuredContent).toMatchObject({
      era: 'modern',
      hasSession: false,
      protocolVersion: MODERN,
    });
    expect(json.content[0]?.text).toContain('"era": "modern"');
  });

  it('calls session_info in a 2025-11-25 session, which it ends with DELETE', async () => {
    const result = await run([
      'call',
      '--url',
      reference.url,
      '--protocol-version',
      LEGACY,
      'session_info',
      '{}',
    ]);
    expect(result.code).toBe(0);
    const session = printed(result).structuredContent;
    expect(session).toMatchObject({ era: 'legacy', hasSession: true, protocolVersion: LEGACY });
    expect(session?.sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await app.deps.stores.sessionStore.get(String(session?.sessionId))).toBeUndefined();
  });

  it('prints every HTTP exchange to stderr with --debug, the closing DELETE included', async () => {
    const result = await run([
      'call',
      '--url',
      reference.url,
      '--protocol-version',
      LEGACY,
      '--debug',
      'session_info',
    ]);
    expect(result.code).toBe(0);
    expect(printed(result).structuredContent?.era).toBe('legacy');
    expect(result.stderr).toMatch(/\[http 1\] → POST http:\/\/127\.0\.0\.1:\d+\/mcp\n/);
    expect(result.stderr).toContain(`"protocolVersion":"${LEGACY}"`);
    expect(result.stderr).toMatch(/\[http 1\] ← 200 OK \(\d+ ms\)\n(.*\n)*? {2}mcp-session-id: /);
    expect(result.stderr).toMatch(/\[http \d+\] → GET /);
    expect(result.stderr).toMatch(/\[http \d+\] → DELETE /);
  });

  it('exits 1 with the error result of aws_real_time_monitor when no AWS region or credentials exist', async () => {
    const result = await run([
      'call',
      '--url',
      reference.url,
      'aws_real_time_monitor',
      '{"resource_type":"DynamoDB"}',
    ]);
    expect(result.code).toBe(1);
    const json = printed(result) as { isError?: boolean; content: { text?: string }[] };
    expect(json.isError).toBe(true);
    expect(json.content[0]?.text).toMatch(/No AWS (region is configured|credentials were found)/);
    expect(result.stderr).toContain('aws_real_time_monitor answered with an error result');
  });

  it('exits 1 with the message when the call itself fails (unknown tool)', async () => {
    const result = await run(['call', '--url', reference.url, 'no_such_tool']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Tool no_such_tool not found/);
  });

  it('exits 2 on arguments that are not a JSON object, before connecting', async () => {
    const bad = await run(['call', '--url', reference.url, 'session_info', '{oops']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the arguments are not valid JSON');
    const array = await run(['call', '--url', 'http://127.0.0.1:9/mcp', 'session_info', '[1]']);
    expect(array.code).toBe(2);
    expect(array.stderr).toContain('must be a JSON object');
  });
});

describe('lambda-mcp-client connect with piped stdin', () => {
  it.each([
    [MODERN, 'modern'],
    [LEGACY, 'legacy'],
  ])('lists, calls, shows info and quits on %s', async (version, era) => {
    const result = await run(
      ['connect', '--url', reference.url, '--protocol-version', version],
      'tools\ncall session_info {}\ninfo\nquit\n',
    );
    expect(result.code).toBe(0);
    const { stdout } = result;
    expect(stdout).not.toContain('\u001b['); // no colors, no prompt: not a TTY
    expect(stdout).not.toContain('mcp>');
    expect(stdout).toContain('3 tools:');
    for (const tool of REFERENCE_TOOLS) expect(stdout).toContain(`  ${tool}(`);
    expect(stdout).not.toContain('list_active_sessions'); // only with ADMIN_TOOLS
    expect(stdout).not.toContain('publish_event'); // only with PUBLISH_TOOL=true
    expect(stdout).toContain(`"era": "${era}"`);
    expect(stdout).toMatch(new RegExp(`protocol +${version} \\(${era}\\)`));
    expect(stdout).toMatch(/server +aws-monitor/);
    if (era === 'legacy') {
      const id = /session +([A-Za-z0-9_-]{32})/.exec(stdout)?.[1];
      expect(id).toBeDefined();
      expect(stdout).toContain(`"sessionId": "${id}"`);
      expect(await app.deps.stores.sessionStore.get(String(id))).toBeUndefined(); // quit sent DELETE
    } else {
      expect(stdout).toMatch(/session +none/);
    }
    expect(result.stderr).toContain('Connected to aws-monitor');
  });

  it('ends cleanly at end of input without quit, and reports command errors without stopping', async () => {
    const result = await run(
      ['connect', '--url', reference.url],
      'bogus\ncall session_info {bad\ncall session_info\n',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("unknown command 'bogus'");
    expect(result.stderr).toContain('the arguments are not valid JSON');
    expect(result.stdout).toContain('"era": "modern"');
  });

  it('exits 1 when the server cannot be reached', async () => {
    const result = await run(['connect', '--url', 'http://127.0.0.1:9/mcp'], 'quit\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not connect');
  });

  it('answers a 2025 elicitation from the next line of input', async () => {
    const result = await run(
      ['connect', '--url', fixture.url, '--protocol-version', LEGACY],
      'call ask_name {}\nAda\ncall ask_name {}\n:decline\nquit\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The server asks: Your name?');
    expect(result.stdout).toContain('hello Ada');
    expect(result.stdout).toContain('hello (decline)');
  });

  it('answers a 2026-07-28 MRTR input request, asking again on an invalid value', async () => {
    const result = await run(['connect', '--url', fixture.url], 'call confirm_mrtr {}\nmaybe\ny\nquit\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The server needs input (MRTR): Proceed?');
    expect(result.stdout).toContain('answer y or n');
    expect(result.stdout).toContain('confirmed=true after round 1');
  });

  it("shows a call's log notifications and the session's other notifications (events)", async () => {
    const result = await run(
      ['connect', '--url', fixture.url, '--protocol-version', LEGACY],
      'call chatty {"count": 2}\ncall announce {"text": "on the GET stream"}\nevents 1\nquit\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[info\] step 1\n.*\[info\] step 2\ndone after 2/);
    expect(result.stdout).toMatch(/\[notice\] on the GET stream/);
    expect(result.stdout).toContain("Tailing the session's streams");
  });

  it('tails a subscriptions/listen stream on 2026-07-28 (events)', async () => {
    const { child, output, exited } = start(['connect', '--url', reference.url]);
    child.stdin.write('events 2\n');
    await waitFor(() => output.stdout, 'Tailing a subscriptions/listen stream (toolsListChanged)');
    app.handler.notify.toolsChanged();
    await waitFor(() => output.stdout, 'notifications/tools/list_changed');
    child.stdin.end('quit\n');
    expect((await exited).code).toBe(0);
  });
});

describe('lambda-mcp-client connect on a terminal', () => {
  const hasScript = spawnSync('which', ['script']).status === 0;

  it.runIf(hasScript)('lists, completes a tool name with Tab, calls and quits', async () => {
    const historyFile = join(home, 'history');
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, BIN, 'connect', '--url', reference.url].map(quote).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: childEnv({ LAMBDA_MCP_CLIENT_HISTORY: historyFile, TERM: 'xterm' }),
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const plain = () => output.replace(ANSI, '').replace(/\r/g, '');
    const type = async (keys: string) => {
      child.stdin.write(keys);
      await new Promise((resolve) => setTimeout(resolve, 150));
    };

    await waitFor(plain, 'mcp> ');
    let mark = plain().length;
    await type('tools\r');
    await waitFor(plain, 'mcp> ', plain().indexOf('3 tools:', mark));
    mark = plain().length;
    // Tab alone in its own keystroke, as a user types it (pasted text is not completed).
    await type('call sess');
    await type('\t');
    await type(' {}\r');
    await waitFor(plain, '"era": "modern"', mark);
    await waitFor(plain, 'mcp> ', plain().indexOf('"era": "modern"', mark));
    await type('quit\r');
    expect(await exited).toBe(0);

    const text = plain();
    for (const tool of REFERENCE_TOOLS) expect(text).toContain(`${tool}(`);
    expect(text).toContain('call session_info {}'); // completed from `call sess`
    expect(text).toContain('"hasSession": false');
    expect(output).toContain('\u001b[1msession_info\u001b[22m'); // colors on a TTY
    expect(readFileSync(historyFile, 'utf8').split('\n')).toEqual([
      'tools',
      'call session_info {}',
      'quit',
      '',
    ]);
  });
});
