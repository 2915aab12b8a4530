// `npm start`: serves the reference server with node:http at http://HOST:PORT/mcp (default
// 127.0.0.1:3000) with live SSE streams and, on loopback, Host validation. Stores: in memory unless STORE
// says otherwise (STORE=dynamodb with SESSION_TABLE_NAME, or STORE=dynalite for an embedded DynamoDB).
// Start-up failures a user can fix print one line and no stack: a setting that is not valid (exit 2) and a
// port that is taken (exit 1).
import { ConfigError } from 'lambda-mcp';
import { exitOnSignals, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { buildAwsMonitor } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

/** Prints `message` alone on stderr and exits with `code`. */
function stop(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

try {
  // Errors and requests are logged by the app's observability (readable on a terminal, JSON otherwise).
  const app = await buildAwsMonitor(localServerOptions(host));
  const server = await serveLocal(app.handler, { port, host }).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  console.log(`aws-monitor MCP server listening on ${server.url} (${app.deps.stores.description})`);
  console.log(`try it: npx lambda-mcp-client connect --url ${server.url}`);
  exitOnSignals(server.close, app.close);
} catch (error) {
  if (error instanceof ConfigError) stop(`lambda-mcp: ${error.message}`, 2);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') stop(`port ${port} is in use: set PORT (e.g. PORT=3001 npm start)`, 1);
  if (code === 'EADDRNOTAVAIL') stop(`cannot listen on ${host}: set HOST to an address of this machine`, 1);
  throw error;
}
