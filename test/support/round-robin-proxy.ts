// A tiny reverse proxy for multi-instance tests only: every incoming HTTP request goes to the next upstream in
// turn (strict alternation), bodies stream both ways (SSE included), and each request's upstream is logged so
// a test can prove that every instance served part of one session.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One proxied request: its method, the index of the upstream that served it, and the status it answered. */
export interface ProxyLogEntry {
  method: string;
  upstream: number;
  /** 0 until the upstream's response head arrives (and for good if aborted first); 502 if unreachable. */
  status: number;
}

/** A running proxy. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`: append the path the upstreams serve, e.g. `${proxy.url}/mcp`. */
  url: string;
  /** Every request, in order of arrival (entries are added when the request arrives). */
  log: ProxyLogEntry[];
  /** The index of the upstream the next request will go to. */
  readonly next: number;
  /** Resolves once at least `count` requests have arrived (and so have their upstream chosen). */
  waitForRequests(count: number): Promise<void>;
  /** Stops listening and destroys every open connection, client and upstream side. */
  close(): Promise<void>;
}

/** Hop-by-hop headers, which belong to one connection and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * Starts the proxy on 127.0.0.1, port 0, in front of `upstreams` (base URLs such as `http://127.0.0.1:4000`;
 * only their host and port are used, the request path is forwarded as is). The Host header is rewritten to
 * the upstream's `127.0.0.1:<port>`, which the servers' loopback Host validation accepts.
 */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('the proxy needs at least one upstream');
  const targets = upstreams.map((upstream) => new URL(upstream));
  const agent = new Agent({ keepAlive: true });
  const log: ProxyLogEntry[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let counter = 0;
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const upstream = counter++ % targets.length;
    const target = targets[upstream] as URL;
    const entry: ProxyLogEntry = { method: req.method ?? 'GET', upstream, status: 0 };
    log.push(entry);
    for (const waiter of waiters.filter((w) => log.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const forwarded = httpRequest(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: target.host },
      },
      (upstreamRes) => {
        entry.status = upstreamRes.statusCode ?? 502;
        res.writeHead(entry.status, upstreamRes.statusMessage, endToEnd(upstreamRes.headers));
        // Send the head now: an SSE response may not write its first event for a while.
        res.flushHeaders();
        upstreamRes.pipe(res);
        // The upstream dropped the connection mid-body: drop the client's too, as the upstream would have.
        upstreamRes.on('aborted', () => res.destroy());
        upstreamRes.on('error', () => res.destroy());
      },
    );
    forwarded.on('error', () => {
      if (res.destroyed || closing) return; // The client went away, or the proxy is closing: nobody to tell.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the proxy could not reach upstream ${upstream} (${target.host})`);
    });
    // The client went away before the answer was complete: abort the upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    get next() {
      return counter % targets.length;
    },
    waitForRequests(count) {
      if (log.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}
