// Small builders for the answers the edge and the transports send: JSON-RPC error bodies with their HTTP
// status, JSON results, and the Server-Sent Events framing used on every SSE stream.
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/** JSON-RPC codes used at the transport level (the MCP SDK uses the same values). */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Transport-level refusal (wrong method, Accept, Content-Type, missing session header...). */
  ServerError: -32000,
  /** The session does not exist, has expired or was deleted. */
  SessionNotFound: -32001,
} as const;

/** The body of every answer to an unexpected failure: JSON-RPC Internal error with no id. */
export const INTERNAL_ERROR_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: null,
  error: { code: RpcCode.InternalError, message: 'Internal error' },
});

/** A JSON-RPC error response with no `id` (or the given one), sent with `status`. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  id: string | number | null = null,
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Headers every SSE response carries. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE `message` event carrying a JSON-RPC message, with an optional event id. */
export function sseMessage(message: JSONRPCMessage, id?: string): string {
  return sseMessageJson(JSON.stringify(message), id);
}

/** {@link sseMessage} for a message serialized already (one JSON text written to many streams). */
export function sseMessageJson(json: string, id?: string): string {
  return `event: message\n${id === undefined ? '' : `id: ${id}\n`}data: ${json}\n\n`;
}

/**
 * The priming event of 2025-11-25 (SEP-1699): an event id with empty data, so the client can reconnect from
 * here, plus a `retry:` field telling it how long to wait before it does.
 */
export function ssePriming(id: string | undefined, retryMs: number): string {
  return id === undefined ? `retry: ${retryMs}\n\n` : `id: ${id}\nretry: ${retryMs}\ndata: \n\n`;
}

/** An SSE comment line, used as keep-alive; clients ignore it. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}
