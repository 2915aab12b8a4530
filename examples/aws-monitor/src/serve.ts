// `npm start`: serves the reference server on node:http at http://HOST:PORT/mcp with the in-memory stores,
// live SSE streams and Host validation when bound to a loopback address.
import { createLambdaMcp } from 'lambda-mcp';
import { serve } from 'lambda-mcp/node';
import { createAwsMonitorServer } from './server.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

const handler = createLambdaMcp(createAwsMonitorServer, {
  sse: 'live',
  ...(process.env.ALLOWED_ORIGINS && {
    allowedOrigins: process.env.ALLOWED_ORIGINS.split(',').map((o) => o.trim()),
  }),
  ...(loopback && { allowedHosts: ['localhost', '127.0.0.1', '[::1]'] }),
  onerror: (error) => console.error('[aws-monitor]', error),
});
const { url } = await serve(handler, { port, host });
console.log(`aws-monitor MCP server listening on ${url}/mcp`);
