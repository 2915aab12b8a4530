// What every local entry point (`npm start`, `npm run conformance-server`, tests) shares: the same options
// from the environment, live SSE, Host validation on loopback, and the MCP endpoint mounted at one path.
import { type ServedApp, serve } from '../adapters/node.js';
import { isLoopbackHost, LOOPBACK_HOSTNAMES } from '../http/loopback.js';
import { mountAt } from '../http/mount.js';
import type { FetchHandler } from '../invocation.js';
import type { LambdaMcpOptions } from '../options.js';
import { optionsFromEnv } from './env.js';

/** Options for a local server bound to `host`: live SSE unless SSE_MODE says poll, Host checks on loopback. */
export function localServerOptions(host: string, env: NodeJS.ProcessEnv = process.env): LambdaMcpOptions {
  return {
    sse: 'live',
    ...optionsFromEnv(env),
    ...(isLoopbackHost(host) && { allowedHosts: LOOPBACK_HOSTNAMES }),
  };
}

/** A local MCP server: its endpoint URL and how to stop it. */
export interface LocalMcpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  server: ServedApp;
  close(): Promise<void>;
}

/**
 * Serves `handler` at `path` (default `/mcp`) on node:http, with its OAuth protected-resource metadata paths
 * (`/.well-known/oauth-protected-resource` and the same suffixed with `path`, answered when `auth` is on);
 * other paths answer 404.
 *
 * @example
 * const mcp = createLambdaMcp(factory, localServerOptions('127.0.0.1'));
 * const { url } = await serveLocal(mcp, { port: 3000, host: '127.0.0.1' });
 */
export async function serveLocal(
  handler: FetchHandler & { close?: () => Promise<void> },
  options: { port: number; host: string; path?: string },
): Promise<LocalMcpServer> {
  const path = options.path ?? '/mcp';
  const server = await serve(mountAt(path, handler), { port: options.port, host: options.host });
  return {
    url: `${server.url}${path}`,
    server,
    close: async () => {
      await handler.close?.();
      await server.close();
    },
  };
}

/**
 * Ends the process cleanly on SIGINT or SIGTERM: runs every `close` (server, stores), then exits 0, or 1 when
 * one failed.
 *
 * @example
 * exitOnSignals(server.close, stores.close);
 */
export function exitOnSignals(...closers: Array<() => Promise<void>>): void {
  const stop = () => {
    Promise.all(closers.map((close) => close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
