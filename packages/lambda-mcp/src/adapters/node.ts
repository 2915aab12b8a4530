// The `lambda-mcp/node` entry point: serve any web fetch handler (the lambda-mcp core included) from a local
// node:http server for development, streaming response bodies chunk by chunk so SSE arrives live.
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { StreamCutOffError } from '../errors.js';
import { isValidHostHeader } from '../http/edge.js';
import { INTERNAL_ERROR_BODY, RpcCode } from '../http/responses.js';
import type { FetchHandler } from '../invocation.js';

export type { FetchHandler };

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /** Called with anything `app.fetch` throws (and stream failures) before answering 500 (default `console.error`). */
  onError?: (error: unknown) => void;
  /**
   * How long a write may wait for a client that stopped reading (the socket's buffers full), in ms, before
   * the connection is closed; 0 waits forever. Default 30000.
   */
  writeTimeoutMs?: number;
}

/** Default of {@link NodeListenerOptions.writeTimeoutMs}. */
const WRITE_TIMEOUT_MS = 30_000;

/** Options of `serve`. */
export interface ServeOptions extends NodeListenerOptions {
  /** The port to listen on (default 3000; 0 picks a free port). */
  port?: number;
  /** The interface to listen on (default `127.0.0.1`). */
  host?: string;
}

/** A listening server, its base URL (`http://HOST:PORT`) and `close()` to stop it with every connection. */
export interface ServedApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

// undici's `request.signal` stops following the signal the Request was built with once the Request object
// is garbage collected (nodejs/node#55428), and apps often keep only `request.signal`: so each Request is
// held here until its response has been written.
const inFlight = new Set<Request>();

/**
 * Wraps `app` as a node:http request listener. The web Request gets the method, an absolute URL built from
 * the Host header, the headers, the body as a stream the app reads at its own pace (so its size limit stops
 * the reading; a body left unread closes the connection after the answer), and a signal that aborts when the
 * client goes away before the response is finished. A method `Request` refuses answers 405, a malformed
 * Host or target 400, before any Request is built. The Response status and headers (every `set-cookie` kept) are written, then the
 * body is streamed chunk by chunk; `text/event-stream` headers are flushed at once. If `app.fetch` throws,
 * the answer is a 500 with a JSON-RPC "Internal error" body; the listener never throws.
 */
export function toNodeListener(
  app: FetchHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const onError = options.onError ?? ((error: unknown) => console.error('lambda-mcp: request failed', error));
  const writeTimeoutMs = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  return (req, res) => {
    handle(app, req, res, onError, writeTimeoutMs).catch((error: unknown) => {
      if (res.destroyed) return; // The client went away; there is nobody left to answer.
      if (error instanceof StreamCutOffError) {
        res.destroy(); // A reader too far behind: it resumes with Last-Event-ID; nothing failed.
        return;
      }
      onError(error);
      if (res.headersSent) res.destroy();
      else writeInternalError(res);
    });
  };
}

/**
 * Starts a node:http server for `app` and resolves once it listens. `close()` stops accepting connections
 * and closes the open ones too (SSE streams included), so it never waits on a client.
 *
 * @example
 * const { url, close } = await serve(app, { port: 3000 });
 */
export function serve(app: FetchHandler, options: ServeOptions = {}): Promise<ServedApp> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(toNodeListener(app, options));
  // node:http hands CONNECT to this event, not to the request listener; without it the socket just closes.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.end(rawRefusal(405, METHOD_NOT_ALLOWED, { allow: ALLOW }));
  });
  // What node:http's parser refuses: a method it does not know (TRACK) is still a 405 with `Allow`; any
  // other malformed request a 400 with a JSON-RPC body (431 for oversized headers), then the socket closes.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === 'HPE_INVALID_METHOD')
      socket.end(rawRefusal(405, METHOD_NOT_ALLOWED, { allow: ALLOW }));
    else if (error.code === 'HPE_HEADER_OVERFLOW')
      socket.end(rawRefusal(431, 'Request Header Fields Too Large'));
    else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.end(rawRefusal(408, 'Request Timeout'));
    else socket.end(rawRefusal(400, 'Bad Request: malformed HTTP request'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        server,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () => {
          closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

async function handle(
  app: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  onError: (error: unknown) => void,
  writeTimeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new DOMException('The client disconnected', 'AbortError'));
  });
  const refused = refusal(req);
  if (refused) {
    discardBody(req);
    res.writeHead(refused.status, { 'content-type': 'application/json', ...refused.headers });
    res.end(refused.body);
    return;
  }
  const request = toRequest(req, controller.signal);
  inFlight.add(request);
  // A body the app stopped reading (a 413 at its limit) is never read to its end: the answer closes the
  // connection instead, so a client cannot make the server take in more than the app asked for.
  res.once('finish', () => {
    if (!req.complete) req.socket.destroy();
  });
  try {
    let response: Response;
    try {
      response = await app.fetch(request);
    } catch (error) {
      onError(error);
      if (!req.complete) res.setHeader('connection', 'close');
      writeInternalError(res);
      return;
    }
    // A body left unread closes the connection after the answer: say so, so the client opens a new one.
    if (!req.complete) res.setHeader('connection', 'close');
    await writeResponse(response, res, controller.signal, writeTimeoutMs);
  } finally {
    inFlight.delete(request);
  }
}

const ALLOW = 'GET, POST, DELETE';
const METHOD_NOT_ALLOWED = 'Method not allowed.';
/** Methods undici's `Request` refuses to carry (the Fetch standard's forbidden methods). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

interface Refusal {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function refusalOf(status: number, message: string, headers: Record<string, string> = {}): Refusal {
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: RpcCode.ServerError, message } });
  return { status, body, headers };
}

/** A complete raw HTTP/1.1 answer, for a socket node:http no longer answers on (CONNECT). */
function rawRefusal(status: number, message: string, headers: Record<string, string> = {}): string {
  const { body } = refusalOf(status, message);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  );
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * What the adapter answers itself, before any web `Request` is built (building one would throw): a method
 * `Request` refuses is 405 with `Allow`; a malformed `Host` or request target is 400.
 */
function refusal(req: IncomingMessage): Refusal | undefined {
  if (FORBIDDEN_METHODS.has((req.method ?? 'GET').toUpperCase())) {
    return refusalOf(405, METHOD_NOT_ALLOWED, { allow: ALLOW });
  }
  const host = req.headers.host;
  if (host !== undefined && !isValidHostHeader(host))
    return refusalOf(400, 'Bad Request: invalid Host header');
  if (requestUrl(req) === undefined) return refusalOf(400, 'Bad Request: invalid request target');
  return undefined;
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? 'GET';
  const url = requestUrl(req) as string; // `refusal` answered every request without one
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers, signal });
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    return new Request(url, { method, headers, body: new Uint8Array(0), signal });
  }
  // The body streams in as the app reads it (pull by pull, with backpressure on the socket), so an app that
  // stops at its size limit has taken in at most that much plus one chunk, never the whole body.
  const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  return new Request(url, { method, headers, body, signal, duplex: 'half' } as RequestInit);
}

/** The absolute URL of the request, or `undefined` when its target or Host cannot make one. */
function requestUrl(req: IncomingMessage): string | undefined {
  const target = req.url ?? '/';
  try {
    if (!target.startsWith('/')) {
      // absolute-form, as sent to a proxy; `*` (asterisk-form) and anything else name no resource here
      const url = new URL(target);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    }
    const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
    const local = req.socket.localAddress ?? '';
    const host = req.headers.host ?? `${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort}`;
    return new URL(`${scheme}://${host}${target}`).href;
  } catch {
    return undefined;
  }
}

async function writeResponse(
  response: Response,
  res: ServerResponse,
  signal: AbortSignal,
  writeTimeoutMs: number,
): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);

  if (!response.body) {
    res.end();
    return;
  }
  if (response.headers.get('content-type')?.toLowerCase().startsWith('text/event-stream')) res.flushHeaders();

  const reader = response.body.getReader();
  const cancel = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // Each chunk goes straight to the socket (no compression, no corking), so events arrive as written.
      if (!res.write(value)) await drained(res, writeTimeoutMs);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  if (signal.aborted || res.destroyed) {
    reader.cancel(signal.reason).catch(() => {});
    return;
  }
  res.end();
}

/** Waits until the socket takes writes again, or closes the connection after `timeoutMs` (0: never). */
function drained(res: ServerResponse, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = timeoutMs > 0 ? setTimeout(() => res.destroy(), timeoutMs) : undefined;
    const done = () => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function writeInternalError(res: ServerResponse): void {
  if (res.destroyed) return;
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(INTERNAL_ERROR_BODY);
}

/** How much of a refused request's body the adapter reads (and drops) before it closes the connection. */
const DISCARD_BYTES = 64 * 1024;

/**
 * Reads and drops the body of a request answered without it, up to {@link DISCARD_BYTES}: closing a socket
 * with unread bytes resets the connection, and the reset can reach the client before the answer does.
 * A longer body closes the connection at the bound.
 */
function discardBody(req: IncomingMessage): void {
  let read = 0;
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > DISCARD_BYTES) req.socket.destroy();
  });
  req.resume();
}
