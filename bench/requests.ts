// The requests the benchmark sends, built exactly as a client would send them, and the check that an answer
// is the JSON-RPC result it should be (a JSON body or an SSE stream, whichever the handler chose).

export const ENDPOINT = 'http://localhost/mcp';
export const MODERN_VERSION = '2026-07-28';
export const LEGACY_VERSION = '2025-11-25';

const ACCEPT = 'application/json, text/event-stream';
const CLIENT_INFO = { name: 'lambda-mcp-bench', version: '0.1.0' };

function post(body: unknown, headers: Record<string, string>): Request {
  return new Request(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
}

/** A 2026-07-28 `tools/call` of `session_info`, with the per-request `_meta` envelope and routing headers. */
export function modernSessionInfo(id: number): Request {
  return post(
    {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: 'session_info',
        arguments: {},
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
          'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
    { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'tools/call', 'mcp-name': 'session_info' },
  );
}

/** A 2025-11-25 `initialize`. */
export function legacyInitialize(id: number): Request {
  return post(
    {
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
    },
    {},
  );
}

/** The `notifications/initialized` that completes a 2025 handshake. */
export function legacyInitialized(sessionId: string): Request {
  return post(
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY_VERSION },
  );
}

/** A 2025-11-25 `tools/call` of `session_info`: in a session, or stateless when `sessionId` is absent. */
export function legacySessionInfo(id: number, sessionId?: string): Request {
  return post(
    { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'session_info', arguments: {} } },
    { 'mcp-protocol-version': LEGACY_VERSION, ...(sessionId && { 'mcp-session-id': sessionId }) },
  );
}

/** A response reduced to what the check needs, so it can be taken inside a timed loop and checked later. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Reads a whole response: for SSE, the stream has ended once this resolves. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/** Throws unless the answer is HTTP 200 carrying a JSON-RPC result (not an error, not an error result). */
export function checkAnswer(answer: Answer, id: number): void {
  const fail = (why: string): never => {
    throw new Error(`request ${id}: ${why} (HTTP ${answer.status}): ${answer.text.slice(0, 300)}`);
  };
  if (answer.status !== 200) fail('not HTTP 200');
  const messages = answer.contentType.includes('text/event-stream')
    ? sseData(answer.text).map((data) => JSON.parse(data) as unknown)
    : [JSON.parse(answer.text) as unknown];
  const message = messages.find(
    (m): m is { id: unknown; result?: { isError?: boolean }; error?: unknown } =>
      typeof m === 'object' && m !== null && (m as { id?: unknown }).id === id,
  );
  if (!message) fail('no answer with this id');
  else if (!message.result) fail('a JSON-RPC error');
  else if (message.result.isError) fail('a tool error result');
}

/** The non-empty `data` payloads of an SSE body (priming events carry none). */
function sseData(text: string): string[] {
  const payloads: string[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((line) => line.startsWith('data:'));
    const data = lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
    if (data) payloads.push(data);
  }
  return payloads;
}
