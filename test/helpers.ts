// Shared helpers for lambda-mcp's integration tests: in-process fetch for SDK clients, raw JSON-RPC posts,
// session set-up over the wire, and SSE parsing.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createLambdaMcp, type LambdaMcpHandler, type LambdaMcpOptions } from 'lambda-mcp';
import { createTestServer } from './fixtures/test-server.js';

export const URL_ = 'http://127.0.0.1/mcp';
export const TEST_KEY = 'ab'.repeat(32);
export const ACCEPT_BOTH = 'application/json, text/event-stream';

/** A handler over the test server, with a fixed MRTR key and errors collected for inspection. */
export function testHandler(options: LambdaMcpOptions = {}): LambdaMcpHandler & { errors: Error[] } {
  const errors: Error[] = [];
  const handler = createLambdaMcp(createTestServer, {
    requestStateKey: TEST_KEY,
    retryMs: 20,
    onerror: (error) => errors.push(error),
    ...options,
  });
  return Object.assign(handler, { errors });
}

/** A fetch function for SDK client transports that calls handlers in process, in turn (round robin). */
export function inProcessFetch(...handlers: LambdaMcpHandler[]) {
  let next = 0;
  const calls: { method: string; instance: number; status: number }[] = [];
  const fetchFn = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const instance = next++ % handlers.length;
    const request = new Request(url, init);
    const response = await (handlers[instance] as LambdaMcpHandler).fetch(request);
    calls.push({ method: request.method, instance, status: response.status });
    return response;
  };
  return Object.assign(fetchFn, { calls });
}

/** POSTs a JSON-RPC body (or raw text) with the usual headers, overridable. */
export function post(
  handler: LambdaMcpHandler,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return handler.fetch(
    new Request(URL_, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** A 2025 `initialize` request as a client sends it. */
export function initializeMessage(protocolVersion = '2025-11-25', clientName = 'raw', capabilities = {}) {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities, clientInfo: { name: clientName, version: '1' } },
  };
}

/** Opens a 2025 session over the wire; resolves its id. */
export async function openSession(
  handler: LambdaMcpHandler,
  protocolVersion = '2025-11-25',
): Promise<string> {
  const response = await post(handler, initializeMessage(protocolVersion, 'raw', { elicitation: {} }));
  if (response.status !== 200) throw new Error(`initialize answered ${response.status}`);
  const id = response.headers.get('mcp-session-id');
  if (!id) throw new Error('no session id');
  const initialized = await post(
    handler,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': id, 'mcp-protocol-version': protocolVersion },
  );
  if (initialized.status !== 202) throw new Error(`initialized answered ${initialized.status}`);
  return id;
}

/** One parsed SSE event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  retry?: number;
}

/** Parses a complete SSE body (comments skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const event: SseEvent = { data: '' };
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      hasField = true;
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') event.data = event.data ? `${event.data}\n${value}` : value;
      else if (field === 'retry') event.retry = Number(value);
    }
    if (hasField) events.push(event);
  }
  return events;
}

/** The JSON-RPC messages carried by an SSE body. */
export function sseMessages(text: string): Record<string, unknown>[] {
  return parseSse(text)
    .filter((e) => e.data !== '')
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** A `fetch` an SDK client transport accepts. */
export type FetchFn = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A v1 SDK client (2025 revisions) that collects log notifications, answers elicitations with
 * `Ada (asked: <message>)`, and reconnects its SSE streams quickly; its transport goes through `fetchFn`.
 */
export function v1Client(fetchFn: FetchFn, url = URL_, name = 'v1-test') {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: {} } });
  const logs: string[] = [];
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    // Published events (logger lambda-mcp/events) share the method; `logs` keeps what the tools logged.
    if (n.params.logger === 'lambda-mcp/events') return;
    logs.push(String(n.params.data));
  });
  client.setRequestHandler(ElicitRequestSchema, async (request) => ({
    action: 'accept',
    content: { name: `Ada (asked: ${request.params.message})` },
  }));
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: fetchFn,
    reconnectionOptions: {
      initialReconnectionDelay: 1,
      maxReconnectionDelay: 10,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 5,
    },
  });
  return { client, transport, logs, errors };
}
