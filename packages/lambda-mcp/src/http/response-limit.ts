// A size limit for buffered JSON answers: a response body larger than the limit is replaced by a JSON-RPC
// Internal error for the same request id(s), so a client gets a clear answer instead of a platform failure
// (a buffered Lambda result cannot exceed 6 MB).
import { RpcCode } from './responses.js';

/**
 * Enforces `maxBytes` on an `application/json` response. A larger body is answered with HTTP 200 and a
 * JSON-RPC error `-32603` "Response too large: N bytes exceeds the limit of M bytes (MAX_RESPONSE_SIZE_MB)"
 * for the same id (a single response), or an array with one such error per id (a 2025-03-26 batch); the
 * response headers (`Mcp-Session-Id` included) are kept, except `Content-Length`. A body within the limit is
 * returned unchanged in an equivalent response. Other media types pass through untouched: in particular SSE
 * (`text/event-stream`) answers, whose terminal responses the 2025 session transport checks one by one. `onExceeded`, when given, is called with the body size before the
 * error is returned.
 *
 * @example
 * const limited = await limitResponseSize(response, 5 * 1024 * 1024);
 */
export async function limitResponseSize(
  response: Response,
  maxBytes: number,
  onExceeded?: (bytes: number) => void,
): Promise<Response> {
  if (!response.body || !isJson(response.headers.get('content-type'))) return response;
  const init = { status: response.status, statusText: response.statusText };
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength <= maxBytes) return new Response(bytes, { ...init, headers: response.headers });

  onExceeded?.(bytes.byteLength);
  const error = responseTooLarge(bytes.byteLength, maxBytes);
  const parsed = parseJson(bytes);
  const body = Array.isArray(parsed)
    ? parsed.map((message) => ({ jsonrpc: '2.0', id: idOf(message), error }))
    : { jsonrpc: '2.0', id: idOf(parsed), error };
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: 200, headers });
}

/** The JSON-RPC error that replaces an answer of `bytes` over the limit of `maxBytes`. */
export function responseTooLarge(bytes: number, maxBytes: number): { code: number; message: string } {
  return {
    code: RpcCode.InternalError,
    message: `Response too large: ${bytes} bytes exceeds the limit of ${maxBytes} bytes (MAX_RESPONSE_SIZE_MB)`,
  };
}

/** The JSON-RPC id of a response message, or `null` when it has none (or is not an object). */
function idOf(message: unknown): string | number | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
