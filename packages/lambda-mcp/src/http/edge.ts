// The edge both protocol eras pass through: CORS (allow-list, preflight, exposed headers), Origin and Host
// validation against DNS rebinding, the allowed methods, and the POST body rules (media type and size).
// Each check answers with the HTTP status and JSON-RPC error the MCP transport specification names.
import {
  hostHeaderValidationResponse,
  isJsonContentType,
  readRequestBody,
} from '@modelcontextprotocol/server';
import { HttpError } from '../errors.js';
import { RpcCode } from './responses.js';

/** A POST body as the edge read it: parsed JSON, or text that is not JSON (each leg answers it its way). */
export type PostBody = { kind: 'json'; value: unknown } | { kind: 'invalid' };

/** Edge settings. */
export interface EdgeOptions {
  /**
   * Browser origins allowed to call: full origins (`https://app.example.com`) or hostnames
   * (`app.example.com`, any scheme and port), or `*` for any. Same-origin calls are always allowed.
   */
  allowedOrigins: readonly string[];
  /** When set, the `Host` header must name one of these hostnames (DNS-rebinding protection). */
  allowedHosts?: readonly string[];
  /** Largest POST body accepted, in bytes. */
  maxBodyBytes: number;
}

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/** How deeply a POST body's JSON may nest (objects and arrays); MCP messages need far fewer levels. */
export const MAX_JSON_DEPTH = 64;

// `host[:port]` as RFC 9110 allows it: a bracketed IP literal or a reg-name, then an optional decimal port.
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::(\d{0,5}))?$/;

/** Whether `host` is a well-formed `Host` header value (`host[:port]`, port at most 65535). */
export function isValidHostHeader(host: string): boolean {
  const match = HOST_PATTERN.exec(host);
  if (!match) return false;
  const port = match[1];
  if (port !== undefined && port !== '' && Number(port) > 65535) return false;
  try {
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}

/** Whether `value` nests objects or arrays deeper than `max` levels; iterative, so any depth is safe. */
export function exceedsJsonDepth(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(item.value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
    }
  }
  return false;
}
const ALLOWED_HEADERS =
  'content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id, mcp-method, mcp-name';
const EXPOSED_HEADERS = 'mcp-session-id, mcp-protocol-version, www-authenticate';

/** Whether the request's `Origin` (if any) may call this endpoint. */
export function isOriginAllowed(request: Request, allowed: readonly string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  if (allowed.includes('*')) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // Includes the literal `null` origin of opaque contexts.
  }
  if (url.origin === 'null') return false;
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (url.host.toLowerCase() === host.toLowerCase()) return true;
  return allowed.some((entry) =>
    entry.includes('://')
      ? entry.replace(/\/+$/, '').toLowerCase() === url.origin.toLowerCase()
      : entry.toLowerCase() === url.hostname.toLowerCase(),
  );
}

/**
 * Runs the checks that need no body. Returns a complete response for CORS preflights; throws an
 * {@link HttpError} for a refused request; returns `undefined` when the request may go on.
 */
export function checkEdge(request: Request, options: EdgeOptions): Response | undefined {
  const host = request.headers.get('host');
  if (host !== null && !isValidHostHeader(host)) {
    throw new HttpError(400, RpcCode.ServerError, 'Bad Request: invalid Host header');
  }
  if (options.allowedHosts) {
    const refused = hostHeaderValidationResponse(request, [...options.allowedHosts]);
    if (refused) return refused;
  }
  if (!isOriginAllowed(request, options.allowedOrigins)) {
    throw new HttpError(403, RpcCode.ServerError, 'Forbidden: Origin not allowed');
  }
  if (request.method === 'OPTIONS') {
    const headers: Record<string, string> = { allow: ALLOWED_METHODS };
    if (request.headers.has('origin')) {
      headers['access-control-allow-methods'] = ALLOWED_METHODS;
      headers['access-control-allow-headers'] =
        request.headers.get('access-control-request-headers') ?? ALLOWED_HEADERS;
      headers['access-control-max-age'] = '86400';
    }
    return new Response(null, { status: 204, headers });
  }
  if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'DELETE') {
    throw new HttpError(405, RpcCode.ServerError, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
  }
  return undefined;
}

/**
 * Reads a POST body under the size limit: 415 for a non-JSON media type, 413 when too large, 400 `-32600`
 * when its JSON nests deeper than {@link MAX_JSON_DEPTH} (checked before any recursive code sees it).
 */
export async function readPostBody(request: Request, maxBytes: number): Promise<PostBody> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new HttpError(
      415,
      RpcCode.ServerError,
      'Unsupported Media Type: Content-Type must be application/json',
    );
  }
  const body = await readRequestBody(request, maxBytes);
  if (body.tooLarge) {
    throw new HttpError(413, RpcCode.ServerError, `Payload Too Large: the body exceeds ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return { kind: 'invalid' };
  }
  if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) {
    throw new HttpError(
      400,
      RpcCode.InvalidRequest,
      `Invalid Request: the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  return { kind: 'json', value };
}

/** Adds the CORS answer headers for an allowed cross-origin caller. */
export function withCors(response: Response, request: Request): Response {
  const origin = request.headers.get('origin');
  if (origin === null) return response;
  const headers = new Headers(response.headers);
  headers.set('access-control-allow-origin', origin);
  headers.set('access-control-expose-headers', EXPOSED_HEADERS);
  headers.append('vary', 'Origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
