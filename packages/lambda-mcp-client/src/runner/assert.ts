// Assertions for wire checks: each failure throws a RuleError whose message names the broken rule and what
// the server did instead, e.g. "POST with invalid JSON must answer 400 with JSON-RPC -32700 (got 200 …)".
import { isRecord } from '../guards.js';
import { SseParser } from './sse.js';

/** A broken rule; its message is what the report shows. */
export class RuleError extends Error {
  override readonly name = 'RuleError';
}

/** Throws a RuleError for `rule` with what was seen. */
export function fail(rule: string, got?: string): never {
  throw new RuleError(got === undefined ? rule : `${rule} (got ${got})`);
}

/** Throws a RuleError for `rule` unless `condition` holds. */
export function check(condition: unknown, rule: string, got?: string | (() => string)): asserts condition {
  if (!condition) fail(rule, typeof got === 'function' ? got() : got);
}

/** A short, single-line rendering of a value for messages. */
export function brief(value: unknown, limit = 160): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

/** A JSON-RPC message as read off the wire. */
export interface RpcMessage {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  result?: Record<string, unknown>;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** A response read in full: status, content type, text and the JSON-RPC answer it carries (if any). */
export interface ReadResponse {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** The JSON body, or for SSE the first JSON-RPC response (a message with an id) on the stream. */
  message?: RpcMessage;
  /** For SSE: every JSON-RPC message on the stream. */
  streamed?: RpcMessage[];
}

/** Parses the `data:` payloads of an SSE body into JSON-RPC messages (unparseable events are skipped). */
export function sseMessages(text: string): RpcMessage[] {
  const parser = new SseParser();
  const messages: RpcMessage[] = [];
  for (const { data } of [...parser.push(text), ...parser.end()]) {
    if (!data) continue;
    try {
      messages.push(JSON.parse(data) as RpcMessage);
    } catch {
      // Not JSON: not a JSON-RPC message.
    }
  }
  return messages;
}

/** Reads a response in full and finds the JSON-RPC answer in it, JSON or SSE. */
export async function readResponse(response: Response): Promise<ReadResponse> {
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const read: ReadResponse = { status: response.status, headers: response.headers, contentType, text };
  if (contentType.includes('text/event-stream')) {
    read.streamed = sseMessages(text);
    const answer = read.streamed.find((m) => m.id !== undefined && ('result' in m || 'error' in m));
    if (answer) read.message = answer;
    return read;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (isRecord(parsed)) read.message = parsed as RpcMessage;
  } catch {
    // Not JSON; `message` stays unset.
  }
  return read;
}

/** `200 application/json: {"jsonrpc":…}` — how a response is quoted in a failure message. */
export function describeResponse(read: ReadResponse): string {
  const type = read.contentType ? ` ${read.contentType.split(';')[0]}` : '';
  return read.text ? `${read.status}${type}: ${brief(read.text)}` : `${read.status}${type}, empty body`;
}

/** Requires the status (one of `statuses`) and, when `code` is given, a JSON-RPC error with that code. */
export async function expectRpcError(
  response: Response,
  rule: string,
  expected: { status: number | readonly number[]; code?: number },
): Promise<ReadResponse> {
  const read = await readResponse(response);
  const statuses = typeof expected.status === 'number' ? [expected.status] : expected.status;
  check(statuses.includes(read.status), rule, () => describeResponse(read));
  if (expected.code !== undefined) {
    check(read.message?.error?.code === expected.code, rule, () => describeResponse(read));
  }
  return read;
}

/** Requires a JSON-RPC error with `code` whatever the status (2025 errors inside a 200 or an SSE stream). */
export async function expectRpcErrorCode(
  response: Response,
  rule: string,
  code: number,
): Promise<ReadResponse> {
  const read = await readResponse(response);
  check(read.message?.error?.code === code, rule, () => describeResponse(read));
  return read;
}

/** Requires a status in `statuses`; returns the response read in full. */
export async function expectStatus(
  response: Response,
  rule: string,
  statuses: number | readonly number[],
): Promise<ReadResponse> {
  const read = await readResponse(response);
  const list = typeof statuses === 'number' ? [statuses] : statuses;
  check(list.includes(read.status), rule, () => describeResponse(read));
  return read;
}

/** The message of anything thrown, for wrapping SDK errors into rule messages. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return code === undefined
      ? `${error.message}${cause}`
      : `${error.message}${cause} [code ${String(code)}]`;
  }
  return String(error);
}

/** The text blocks of a result's `content`, joined with newlines (empty ones and other kinds left out). */
export function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (isRecord(block) && block.type === 'text' ? String(block.text) : ''))
    .filter(Boolean)
    .join('\n');
}
