// 2026-07-28 through the SDK v2 client: stateless calls with no session, and an MRTR round trip whose
// requestState is signed with the shared key, so the retry verifies on another instance (and only there).
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessFetch, testHandler, URL_ } from './helpers.js';

const open: Client[] = [];
afterEach(async () => {
  for (const client of open.splice(0)) await client.close();
});

async function v2Client(fetchFn: ReturnType<typeof inProcessFetch>) {
  const client = new Client(
    { name: 'v2-test', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  const asked: string[] = [];
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push(String(request.params.message));
    return { action: 'accept', content: { ok: true } };
  });
  open.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(URL_), { fetch: fetchFn }));
  return { client, asked };
}

describe('2026-07-28 with the SDK v2 client', () => {
  it('calls tools statelessly: no session header, no session record', async () => {
    const fetchFn = inProcessFetch(testHandler());
    const { client } = await v2Client(fetchFn);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'modern' } });
    expect(result.content).toEqual([{ type: 'text', text: 'modern' }]);
    expect(fetchFn.calls.every((c) => c.method === 'POST' && c.status === 200)).toBe(true);
  });

  it('completes an MRTR round trip whose retry lands on another instance sharing the key', async () => {
    const fetchFn = inProcessFetch(testHandler(), testHandler());
    const { client, asked } = await v2Client(fetchFn);
    const result = await client.callTool({ name: 'confirm_mrtr', arguments: {} });
    expect(asked).toEqual(['Proceed?']);
    expect(result.content).toEqual([{ type: 'text', text: 'confirmed=true after round 1' }]);
    const calls = fetchFn.calls.slice(-2);
    expect(new Set(calls.map((c) => c.instance)).size).toBe(2);
  });

  it('rejects the retry on an instance with another key (-32602), as a per-process key would', async () => {
    const fetchFn = inProcessFetch(testHandler(), testHandler({ requestStateKey: 'cd'.repeat(32) }));
    const { client } = await v2Client(fetchFn);
    // The discover probe went to instance 0; the first call goes to 1 and its retry to 0.
    await expect(client.callTool({ name: 'confirm_mrtr', arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });
});
