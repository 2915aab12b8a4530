// Request building shared by the event processors: the web `Request` from a URL, headers and the event's
// body, and what the two payload 1.0 shapes (REST API and ALB events) have in common on the way in.
import { isRecord } from '../../guards.js';
import { toRequestBody } from './body.js';
import { toRequestHeaders } from './headers.js';
import { requestUrl } from './url.js';

/** The body fields every HTTP event carries. */
export interface EventBody {
  body?: string | null;
  isBase64Encoded: boolean;
}

/** The payload 1.0 fields `APIGatewayProxyEvent` and `ALBEvent` share. */
export interface PayloadV1Event extends EventBody {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
}

/** The Request for `url`, with the event's body (none for GET and HEAD) and `signal` as `request.signal`. */
export function webRequest(
  method: string,
  url: string,
  headers: Headers,
  event: EventBody,
  signal?: AbortSignal,
): Request {
  const body = toRequestBody(method, event.body, event.isBase64Encoded);
  return new Request(url, { method, headers, body, signal });
}

/** True for a record with a string `httpMethod` and a record `requestContext`, as both 1.0 shapes have. */
export function hasPayloadV1Shape(
  event: unknown,
): event is Record<string, unknown> & { httpMethod: string; requestContext: Record<string, unknown> } {
  return isRecord(event) && typeof event.httpMethod === 'string' && isRecord(event.requestContext);
}

/**
 * The Request for a payload 1.0 event: both header maps, `path`, and `query` as the shape encodes it;
 * `fallbackHost` stands in when the event has no `host` header.
 */
export function payloadV1Request(
  event: PayloadV1Event,
  query: string,
  fallbackHost: string | undefined,
  signal?: AbortSignal,
): Request {
  const headers = toRequestHeaders(event.headers, event.multiValueHeaders);
  const url = requestUrl(headers, fallbackHost, event.path, query);
  return webRequest(event.httpMethod, url, headers, event, signal);
}
