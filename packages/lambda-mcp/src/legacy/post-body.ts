// Decoding a 2025-era POST: the Accept rule, the JSON-RPC shape of every message, the batch bounds, and
// `initialize` alone. Each refusal carries the HTTP status and JSON-RPC code the transport spec names.
import {
  isInitializeRequest,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
  parseJSONRPCMessage,
} from '@modelcontextprotocol/server';
import { HttpError } from '../errors.js';
import type { PostBody } from '../http/edge.js';
import { RpcCode } from '../http/responses.js';

/** How many messages a 2025-03-26 batch may hold. */
export const MAX_BATCH = 100;

/** The most `initialize` params (as JSON) a session stores; a larger one is refused before anything is kept. */
export const MAX_INITIALIZE_PARAMS_BYTES = 64 * 1024;

/** A decoded POST: the `initialize` that opens a session, or messages for an existing one. */
export type DecodedPost =
  | { kind: 'initialize'; initialize: JSONRPCRequest }
  | { kind: 'messages'; messages: JSONRPCMessage[]; batch: boolean };

/** Decodes the POST body the edge read; throws the {@link HttpError} a malformed one deserves. */
export function decodePost(request: Request, body: PostBody): DecodedPost {
  const accept = request.headers.get('accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    throw new HttpError(
      406,
      RpcCode.ServerError,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    );
  }
  if (body.kind === 'invalid') throw new HttpError(400, RpcCode.ParseError, 'Parse error: Invalid JSON');
  const batch = Array.isArray(body.value);
  const items: unknown[] = batch ? (body.value as unknown[]) : [body.value];
  if (items.length === 0 || items.length > MAX_BATCH) {
    throw new HttpError(
      400,
      RpcCode.InvalidRequest,
      `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`,
    );
  }
  let messages: JSONRPCMessage[];
  try {
    messages = items.map((item) => parseJSONRPCMessage(item));
  } catch {
    throw new HttpError(400, RpcCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message');
  }
  const initialize = messages.find((m): m is JSONRPCRequest => isJSONRPCRequest(m) && isInitializeRequest(m));
  if (!initialize) return { kind: 'messages', messages, batch };
  if (messages.length > 1) {
    throw new HttpError(400, RpcCode.InvalidRequest, 'Invalid Request: initialize must be sent alone');
  }
  const size = Buffer.byteLength(JSON.stringify(initialize.params ?? {}));
  if (size > MAX_INITIALIZE_PARAMS_BYTES) {
    throw new HttpError(
      413,
      RpcCode.InvalidRequest,
      `Payload Too Large: initialize params exceed the ${MAX_INITIALIZE_PARAMS_BYTES}-byte limit a session stores`,
    );
  }
  return { kind: 'initialize', initialize };
}
