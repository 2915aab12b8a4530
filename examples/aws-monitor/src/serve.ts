// `npm start`: serves the reference server with node:http at http://HOST:PORT/mcp (default
// 127.0.0.1:3000) on the in-memory stores, with live SSE streams and, on loopback, Host validation.
import { createLambdaMcp } from 'lambda-mcp';
import { localServerOptions, serveLocal } from 'lambda-mcp/node';
import { createAwsMonitorServer } from './server.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const handler = createLambdaMcp(createAwsMonitorServer, {
  ...localServerOptions(host),
  onerror: (error) => console.error('[aws-monitor]', error.message),
});
const { url } = await serveLocal(handler, { port, host });
console.log(`aws-monitor MCP server listening on ${url}`);
