// The SDK anchor of the HTTP path: the reference server's definition (`createAwsMonitorServer`) behind the
// SDK's bare `createMcpHandler`, on node:http through the smallest honest bridge (the SDK ships no Node HTTP
// glue: its handler is web-standard `fetch`). Run as a child process (`node --import tsx`), it listens on
// PORT (0 = a free one) of 127.0.0.1 and prints `listening on <url>` as `npm start` does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createMcpHandler, createRequestStateCodec } from '@modelcontextprotocol/server';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';
import { BENCH_KEY } from '../subjects/key.js';

const requestState = createRequestStateCodec({ key: BENCH_KEY });
const mcp = createMcpHandler((ctx) => createAwsMonitorServer({ ...ctx, requestState }));

/** node:http request → web Request → `mcp.fetch` → status, headers, body streamed back. */
async function bridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    signal: abort.signal,
    ...(hasBody && { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }),
  } as RequestInit);
  const response = await mcp.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) res.write(next.value);
  res.end();
}

const server = createServer((req, res) => {
  bridge(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  console.log(`listening on http://127.0.0.1:${address.port}/mcp`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
