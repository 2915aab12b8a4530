// `npm start`: serves the reference server with node:http at http://HOST:PORT/mcp (default
// 127.0.0.1:3000) with live SSE streams and, on loopback, Host validation. Stores: in memory unless STORE
// says otherwise (STORE=dynamodb with SESSION_TABLE_NAME, or STORE=dynalite for an embedded DynamoDB).
import { exitOnSignals, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { buildAwsMonitor } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

// Errors and requests are logged by the app's observability (readable on a terminal, JSON otherwise).
const app = await buildAwsMonitor(localServerOptions(host));
const server = await serveLocal(app.handler, { port, host });
console.log(`aws-monitor MCP server listening on ${server.url} (${app.deps.stores.description})`);
exitOnSignals(server.close, app.close);
