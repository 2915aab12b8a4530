// Serves the conformance fixture through lambda-mcp on a local port, at /mcp. Run as a script it is
// `npm run conformance-server` (PORT, default 3001; HOST, default 127.0.0.1; stores from STORE like
// `npm start`); test/conformance.test.ts uses startConformanceServer() with port 0 instead.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLambdaMcp, type LambdaMcpOptions, storesFromEnv, type TaskOptions } from 'lambda-mcp';
import { exitOnSignals, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { createConformanceServer } from './everything-server.js';

export const MCP_PATH = '/mcp';

export interface ConformanceServerOptions {
  /** Port to listen on; 0 picks a free one. Default 3001. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Stores (and any other handler options) to use instead of the in-memory defaults. */
  handlerOptions?: LambdaMcpOptions;
}

export interface RunningConformanceServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3001/mcp`. */
  url: string;
  close(): Promise<void>;
}

export async function startConformanceServer(
  options: ConformanceServerOptions = {},
): Promise<RunningConformanceServer> {
  const host = options.host ?? '127.0.0.1';
  // The same switches as `npm start`: environment options, live SSE, Host validation on loopback.
  const local = localServerOptions(host);
  // A short heartbeat (unless TASK_HEARTBEAT_SECONDS says otherwise): a cancel received by another instance
  // reaches the runner well within the suite's polls.
  const tasks: TaskOptions = { heartbeatMs: 500, ...local.tasks, ...options.handlerOptions?.tasks };
  const handler = createLambdaMcp((ctx) => createConformanceServer(ctx, { notify: handler.notify }), {
    ...local,
    ...options.handlerOptions,
    tasks,
  });
  return serveLocal(handler, { port: options.port ?? 3001, host, path: MCP_PATH });
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3001);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number: ${port}`);
  const stores = await storesFromEnv();
  // With STORE=dynamodb the stores include the task store on the same table, so a task created on one
  // instance is polled, updated and cancelled on any other.
  const server = await startConformanceServer({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    handlerOptions: stores.options,
  });
  console.log(server.url);
  console.error(`conformance server on ${stores.description}`);
  exitOnSignals(server.close, stores.close);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
