// An embedded DynamoDB for runs with no AWS account: dynalite (an npm package implementing the DynamoDB API
// over LevelDB) on a loopback port, in memory or with its data under a folder. Used by `STORE=dynalite`
// and by the tests; dynalite is loaded only when asked for, and is a development dependency.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startDynalite}. */
export interface DynaliteOptions {
  /** Folder for the data; default: in memory, gone when the process ends. */
  path?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A running embedded DynamoDB. */
export interface RunningDynalite {
  /** Its endpoint, e.g. `http://127.0.0.1:43219`: pass it as `DYNAMODB_ENDPOINT`. */
  endpoint: string;
  port: number;
  /** Stops listening, drops open connections and releases the data folder. */
  close(): Promise<void>;
}

type DynaliteFactory = (options: Record<string, unknown>) => Server;

/** Starts dynalite; tables become ACTIVE at once (no simulated creation delay). */
export async function startDynalite(options: DynaliteOptions = {}): Promise<RunningDynalite> {
  let dynalite: DynaliteFactory;
  try {
    dynalite = ((await import('dynalite')) as { default: DynaliteFactory }).default;
  } catch (error) {
    throw new Error('STORE=dynalite needs the dynalite package: run `npm install` in the repository', {
      cause: error,
    });
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path && { path: options.path }),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
