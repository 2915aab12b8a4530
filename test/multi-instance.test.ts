// Multi-instance end to end: two server processes share one dynalite (and MCP_REQUEST_STATE_KEY) behind a
// round-robin proxy. The v1 SDK client runs a full 2025 session whose requests alternate between them, and
// the official conformance suite passes against the proxy at every setting.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import {
  CONFORMANCE_SETTINGS,
  describeFailures,
  ensureConformanceRunner,
  isExcludedScenario,
  runConformance,
} from './conformance/run-conformance.js';
import { ACCEPT_BOTH, v1Client } from './helpers.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/round-robin-proxy.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

/** The MRTR signing key both instances of a pair share, as every Lambda instance of one function would. */
const REQUEST_STATE_KEY = randomBytes(32).toString('hex');

let dynamo: TestDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(async () => {
  await dynamo?.close();
});

/** Two processes of one entry on a fresh table, and the proxy in front of them. */
interface Pair {
  processes: ServerProcess[];
  proxy: RoundRobinProxy;
  /** The MCP endpoint through the proxy. */
  url: string;
  stop(): Promise<void>;
}

async function startPair(entry: string): Promise<Pair> {
  const env = {
    STORE: 'dynamodb',
    // A table name no other run uses; the servers create it themselves (a local DYNAMODB_ENDPOINT).
    SESSION_TABLE_NAME: `multi-instance-${process.pid}-${++tables}`,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    MCP_REQUEST_STATE_KEY: REQUEST_STATE_KEY,
    // Poll, as on buffered Lambda: a live GET stream only sees the events its own process stores (the live
    // fan-out hub is in-process), so a GET on one instance would miss what the other one appends. Polled GET
    // streams replay the shared event log and close with `retry:`; the client reconnects, to either instance.
    SSE_MODE: 'poll',
    // Changes published on one instance reach listen streams on the other through the event log's poller.
    EVENT_POLL_INTERVAL_MS: '200',
  };
  // Started together: the loser of the race to create the missing table uses the winner's.
  const started = await Promise.allSettled([
    startServerProcess(entry, { env }),
    startServerProcess(entry, { env }),
  ]);
  const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.stop()));
    throw failed.reason;
  }
  const upstreams = processes.map((p) => new URL(p.url));
  const proxy = await startRoundRobinProxy(upstreams.map((u) => u.origin));
  return {
    processes,
    proxy,
    url: `${proxy.url}${(upstreams[0] as URL).pathname}`,
    stop: async () => {
      await proxy.close();
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

type FetchFn = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the client sent, as the steering fetch classifies it, and the instance that served it. */
interface Sent {
  tag: string;
  upstream: number;
  /** Its entry in the proxy's log. */
  index: number;
}

/**
 * Names a client request: `call:<tool>`, the JSON-RPC method, `answer` (a response to a server request),
 * `poll` (GET of the standalone stream), `resume` (GET with the Last-Event-ID of a POST stream), `delete`.
 */
function classify(method: string, headers: Headers, body: unknown): string {
  if (method === 'DELETE') return 'delete';
  if (method === 'GET') {
    const last = headers.get('last-event-id');
    return last && !last.startsWith('get.') ? 'resume' : 'poll';
  }
  const message = (typeof body === 'string' ? JSON.parse(body) : {}) as {
    method?: string;
    params?: { name?: string };
  };
  if (message.method === 'tools/call') return `call:${message.params?.name}`;
  return message.method ?? 'answer';
}

/**
 * The client's fetch. Requests enter the proxy one at a time (each waits until the previous one has
 * arrived, so every request's instance is known), and a request tagged with a key of `awayFrom` must be
 * served by another instance than the last request with the tag it names: when strict alternation would send
 * it back to that instance, a `ping` goes first. So the test never depends on how the client's background
 * GET polls happen to interleave with its calls.
 */
function steeringFetch(proxy: RoundRobinProxy, url: string, awayFrom: Record<string, string>) {
  const sent: Sent[] = [];
  const last = new Map<string, number>();
  let gate: Promise<void> = Promise.resolve();

  // Resolves once the request has reached the proxy, with its response still to come (wrapped: awaiting a
  // bare promise would wait for the response, and a call waiting on its elicitation would hold the gate).
  const enter = async (
    send: () => Promise<Response>,
    tag: string,
  ): Promise<{ response: Promise<Response> }> => {
    const index = proxy.log.length;
    const response = send();
    // A request that fails before reaching the proxy must not hold the gate.
    await Promise.race([proxy.waitForRequests(index + 1), response.catch(() => {})]);
    const entry = proxy.log[index];
    if (entry) {
      sent.push({ tag, upstream: entry.upstream, index });
      last.set(tag, entry.upstream);
    }
    return { response };
  };

  const fetchFn: FetchFn = async (input, init) => {
    const previous = gate;
    let release = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    let response: Promise<Response>;
    try {
      const headers = new Headers(init?.headers);
      const tag = classify(init?.method ?? 'GET', headers, init?.body);
      const avoid = awayFrom[tag] === undefined ? undefined : last.get(awayFrom[tag]);
      if (avoid !== undefined && proxy.next === avoid) {
        const ping = await enter(
          () =>
            fetch(url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                accept: ACCEPT_BOTH,
                'mcp-session-id': headers.get('mcp-session-id') ?? '',
                'mcp-protocol-version': headers.get('mcp-protocol-version') ?? '',
              },
              body: JSON.stringify({ jsonrpc: '2.0', id: `steer-${sent.length}`, method: 'ping' }),
            }),
          'steer',
        );
        const answered = await ping.response;
        expect(answered.status).toBe(200);
        await answered.body?.cancel();
      }
      ({ response } = await enter(() => fetch(input, init), tag));
    } finally {
      release();
    }
    return response;
  };
  return Object.assign(fetchFn, { sent });
}

describe('two server processes behind a round-robin proxy, one dynalite', () => {
  let pair: Pair | undefined;

  beforeAll(async () => {
    pair = await startPair('test/fixtures/serve-fixture.ts');
  }, 60_000);

  afterAll(async () => {
    await pair?.stop();
  });

  it('serves a full 2025 session to the v1 client with requests alternating instances', async () => {
    if (!pair) throw new Error('the server pair did not start');
    const { proxy, url } = pair;
    const fetchFn = steeringFetch(proxy, url, {
      'call:chatty': 'logging/setLevel',
      answer: 'call:ask_name',
      resume: 'call:reconnecting',
    });
    const { client, transport, logs, errors } = v1Client(fetchFn, url, 'multi-instance');
    try {
      await client.connect(transport);
      const sessionId = transport.sessionId as string;
      expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(client.getServerVersion()).toEqual({ name: 'lambda-mcp-test', version: '1.0.0' });

      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name)).toEqual([
        'echo',
        'chatty',
        'reconnecting',
        'close_then_wait',
        'ask_name',
        'confirm_mrtr',
        'announce',
        'explode',
      ]);

      expect(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).toEqual({
        content: [{ type: 'text', text: 'hi' }],
      });

      // The level is stored with the session; each chatty call lands on the other instance than setLevel.
      await client.setLoggingLevel('warning');
      expect(await client.callTool({ name: 'chatty', arguments: { count: 2 } })).toEqual({
        content: [{ type: 'text', text: 'done after 2' }],
      });
      expect(logs).toEqual([]);
      await client.setLoggingLevel('info');
      expect(await client.callTool({ name: 'chatty', arguments: { count: 3 } })).toEqual({
        content: [{ type: 'text', text: 'done after 3' }],
      });
      expect(logs).toEqual(['step 1', 'step 2', 'step 3']);

      // The elicitation reaches the client on a polled GET; its answer POST lands on the other instance
      // than the call waiting for it, and crosses over through the DynamoDB mailbox.
      expect(await client.callTool({ name: 'ask_name', arguments: {} })).toEqual({
        content: [{ type: 'text', text: 'hello Ada (asked: Your name?)' }],
      });

      // The tool closes its SSE stream mid-call; the client resumes with GET + Last-Event-ID, on the
      // other instance, which replays the rest from the shared event log.
      logs.length = 0;
      expect(await client.callTool({ name: 'reconnecting', arguments: {} })).toEqual({
        content: [{ type: 'text', text: 'finished after reconnect' }],
      });
      expect(logs).toEqual(['before close', 'after close']);

      const served = (tag: string) => fetchFn.sent.filter((s) => s.tag === tag).map((s) => s.upstream);
      const [setLevelA, setLevelB] = served('logging/setLevel');
      expect(served('call:chatty')).toEqual([1 - (setLevelA as number), 1 - (setLevelB as number)]);
      const [asked] = served('call:ask_name');
      expect(served('answer')).toEqual([1 - (asked as number)]);
      const [reconnecting] = served('call:reconnecting');
      expect(served('resume').length).toBeGreaterThanOrEqual(1);
      expect(new Set(served('resume'))).toEqual(new Set([1 - (reconnecting as number)]));
      expect(new Set(proxy.log.map((entry) => entry.upstream))).toEqual(new Set([0, 1]));
      expect(proxy.log.filter((entry) => entry.status >= 300)).toEqual([]);

      // Background GET polls that race the DELETE below may fail with 404, as they should: check before.
      expect(errors).toEqual([]);

      await transport.terminateSession();
      await client.close();
      const deleted = fetchFn.sent.filter((s) => s.tag === 'delete');
      expect(deleted.map((s) => proxy.log[s.index])).toEqual([
        { method: 'DELETE', upstream: deleted[0]?.upstream, status: 200 },
      ]);

      // The session is gone on both instances: a request to each, past the proxy, answers 404.
      for (const [i, instance] of pair.processes.entries()) {
        const after = await fetch(instance.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: ACCEPT_BOTH,
            'mcp-session-id': sessionId,
            'mcp-protocol-version': '2025-11-25',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 9 + i, method: 'tools/list' }),
        });
        expect(after.status).toBe(404);
        expect(await after.json()).toEqual({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32001, message: 'Session not found' },
        });
      }
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('MCP conformance suite against two instances behind the proxy', () => {
  let pair: Pair | undefined;

  beforeAll(async () => {
    // The first run installs the pinned suite and Node 22 into test/conformance/runner (npm ci).
    await ensureConformanceRunner();
    pair = await startPair('test/conformance/serve.ts');
  }, 300_000);

  afterAll(async () => {
    await pair?.stop();
  });

  // SHOULD-level checks only warn (printed below). 2026-07-28 list_changed crosses instances through the event
  // log: a change made on one reaches a listen stream on the other after the log's settle window and a poll.
  it.each(CONFORMANCE_SETTINGS)(
    'passes every %s scenario',
    async (setting) => {
      if (!pair) throw new Error('the server pair did not start');
      const before = pair.proxy.log.length;
      const run = await runConformance(pair.url, setting);
      const passed = run.scenarios.filter((scenario) => scenario.passed).length;
      console.log(`multi-instance conformance ${setting}: ${passed}/${run.scenarios.length} passed`);
      const warnings = run.scenarios.flatMap((s) => s.warnings.map((w) => `  ! ${s.name}: ${w}`));
      if (warnings.length > 0) console.log(`warnings (SHOULD-level, not failures):\n${warnings.join('\n')}`);
      // A run that reports almost nothing is a broken run, not a pass.
      expect(run.scenarios.length).toBeGreaterThan(20);
      const failing = run.scenarios.filter(
        (scenario) => !scenario.passed && !isExcludedScenario(scenario.name),
      );
      expect(
        failing.map((scenario) => scenario.name),
        `${failing.length} of ${run.scenarios.length} ${setting} scenarios failed:\n${describeFailures(run, failing)}`,
      ).toEqual([]);
      expect(new Set(pair.proxy.log.slice(before).map((entry) => entry.upstream))).toEqual(new Set([0, 1]));
    },
    240_000,
  );
});
