// `npm start`: serves the reference server with node:http at http://HOST:PORT/mcp (default
// 127.0.0.1:3000) with live SSE streams and, on loopback, Host validation. Stores: in memory unless STORE
// says otherwise (STORE=dynamodb with SESSION_TABLE_NAME, or STORE=dynalite for an embedded DynamoDB).
import { createLambdaMcp, storesFromEnv } from 'lambda-mcp';
import { exitOnSignals, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { createAwsMonitorServer } from './server.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const stores = await storesFromEnv();
const handler = createLambdaMcp(createAwsMonitorServer, {
  ...localServerOptions(host),
  ...stores.options,
  onerror: (error) => console.error('[aws-monitor]', error.message),
});
const server = await serveLocal(handler, { port, host });
console.log(`aws-monitor MCP server listening on ${server.url} (${stores.description})`);

exitOnSignals(server.close, stores.close);
