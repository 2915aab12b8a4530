// A full 2025 session driven by the SDK v1 client (the client most 2025 deployments run): initialize, list,
// call, logging level, SSE with resumption over GET + Last-Event-ID, elicitation, DELETE. Run once per
// 2025 revision, and once across two handler instances that share only their stores.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from 'lambda-mcp';
import { afterEach, describe, expect, it } from 'vitest';
import { type FetchFn, inProcessFetch, openSession, post, testHandler, v1Client } from './helpers.js';

/** Rewrites the protocol version the client offers in `initialize`. */
function pinVersion(fetchFn: FetchFn, version: string): FetchFn {
  return (url, init) => {
    if (typeof init?.body === 'string' && init.body.includes('"method":"initialize"')) {
      const body = JSON.parse(init.body);
      body.params.protocolVersion = version;
      return fetchFn(url, { ...init, body: JSON.stringify(body) });
    }
    return fetchFn(url, init);
  };
}

const open: Client[] = [];
afterEach(async () => {
  for (const client of open.splice(0)) await client.close();
});

describe.each(['2025-11-25', '2025-06-18', '2025-03-26'])(
  '2025 session with the v1 client (%s)',
  (version) => {
    it('initializes, lists, calls, keeps the log level, and ends with DELETE', async () => {
      const handler = testHandler();
      // The v1 client offers its latest revision; pin this one by rewriting initialize on the wire.
      const { client, transport, logs } = v1Client(pinVersion(inProcessFetch(handler), version));
      open.push(client);
      await client.connect(transport);
      expect(transport.sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);

      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('chatty');

      const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'hi' }]);

      await client.setLoggingLevel('warning');
      const quiet = await client.callTool({ name: 'chatty', arguments: { count: 2 } });
      expect(quiet.content).toEqual([{ type: 'text', text: 'done after 2' }]);
      expect(logs).toEqual([]); // info < warning: the restored level filtered them out on a fresh instance.

      await client.setLoggingLevel('debug');
      const loud = await client.callTool({ name: 'chatty', arguments: { count: 3 } });
      expect(loud.content).toEqual([{ type: 'text', text: 'done after 3' }]);
      expect(logs).toEqual(['step 1', 'step 2', 'step 3']);

      const sessionId = transport.sessionId as string;
      await transport.terminateSession();
      const after = await post(
        handler,
        { jsonrpc: '2.0', id: 9, method: 'tools/list' },
        { 'mcp-session-id': sessionId },
      );
      expect(after.status).toBe(404);
      expect(await after.json()).toMatchObject({ error: { code: -32001 } });
    });
  },
);

describe('2025-11-25 resumability and server-to-client requests', () => {
  it('resumes a POST stream closed mid-call with GET + Last-Event-ID and loses no message', async () => {
    const handler = testHandler();
    const fetchFn = inProcessFetch(handler);
    const { client, transport, logs } = v1Client(fetchFn);
    open.push(client);
    await client.connect(transport);
    await client.setLoggingLevel('debug');
    const result = await client.callTool({ name: 'reconnecting', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'finished after reconnect' }]);
    expect(logs).toEqual(['before close', 'after close']);
    // The resumption was a GET issued by the client itself.
    expect(fetchFn.calls.filter((c) => c.method === 'GET' && c.status === 200).length).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('routes an elicitation answer to the waiting call', async () => {
    const handler = testHandler();
    const { client, transport } = v1Client(inProcessFetch(handler));
    open.push(client);
    await client.connect(transport);
    const result = await client.callTool({ name: 'ask_name', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'hello Ada (asked: Your name?)' }]);
  });
});

describe('two instances sharing one store', () => {
  it('serve one client alternately, elicitation answer and stream resume included', async () => {
    const shared = {
      sessionStore: new MemorySessionStore(),
      eventStore: new MemoryEventStore(),
      mailbox: new MemoryResponseMailbox(),
      // As on buffered Lambda: no instance holds a stream open; clients poll the shared event log.
      sse: 'poll' as const,
    };
    const a = testHandler(shared);
    const b = testHandler(shared);
    const fetchFn = inProcessFetch(a, b);
    const { client, transport, logs } = v1Client(fetchFn);
    open.push(client);
    await client.connect(transport);
    await client.setLoggingLevel('debug');

    const echo = await client.callTool({ name: 'echo', arguments: { text: 'ping' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'ping' }]);
    const asked = await client.callTool({ name: 'ask_name', arguments: {} });
    expect(asked.content).toEqual([{ type: 'text', text: 'hello Ada (asked: Your name?)' }]);
    const resumed = await client.callTool({ name: 'reconnecting', arguments: {} });
    expect(resumed.content).toEqual([{ type: 'text', text: 'finished after reconnect' }]);
    expect(logs).toEqual(['before close', 'after close']);

    const instances = new Set(fetchFn.calls.map((c) => c.instance));
    expect(instances).toEqual(new Set([0, 1]));
    expect(fetchFn.calls.every((c) => c.status < 300)).toBe(true);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('a session opened on one instance is known on the other', async () => {
    const sessionStore = new MemorySessionStore();
    const a = testHandler({ sessionStore });
    const b = testHandler({ sessionStore });
    const id = await openSession(a);
    const response = await post(
      b,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } },
      { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: { content: [{ type: 'text', text: 'x' }] },
    });
  });
});
