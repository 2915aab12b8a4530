// The `lambda-mcp/node` entry point: serve any web fetch handler (the lambda-mcp core included) from a local
// node:http server for development, streaming response bodies chunk by chunk so SSE arrives live.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_ERROR_BODY } from '../http/responses.js';
import type { FetchHandler } from '../invocation.js';

export type { FetchHandler };

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /** Called with anything `app.fetch` throws (and stream failures) before answering 500 (default `console.error`). */
  onError?: (error: unknown) => void;
}

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
 * the Host header, the headers, the buffered body, and a signal that aborts when the client goes away before
 * the response is finished. The Response status and headers (every `set-cookie` kept) are written, then the
 * body is streamed chunk by chunk; `text/event-stream` headers are flushed at once. If `app.fetch` throws,
 * the answer is a 500 with a JSON-RPC "Internal error" body; the listener never throws.
 */
export function toNodeListener(
  app: FetchHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const onError = options.onError ?? ((error: unknown) => console.error('lambda-mcp: request failed', error));
  return (req, res) => {
    handle(app, req, res, onError).catch((error: unknown) => {
      if (res.destroyed) return; // The client went away; there is nobody left to answer.
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
): Promise<void> {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new DOMException('The client disconnected', 'AbortError'));
  });
  const request = await toRequest(req, controller.signal);
  inFlight.add(request);
  try {
    let response: Response;
    try {
      response = await app.fetch(request);
    } catch (error) {
      onError(error);
      writeInternalError(res);
      return;
    }
    await writeResponse(response, res, controller.signal);
  } finally {
    inFlight.delete(request);
  }
}

async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readAll(req);
  return new Request(requestUrl(req), { method, headers, body, signal });
}

function requestUrl(req: IncomingMessage): string {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return new URL(target).href; // absolute-form, as sent to a proxy
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  return `${scheme}://${host}${target}`;
}

async function readAll(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function writeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
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
      if (!res.write(value)) await drained(res);
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

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
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
