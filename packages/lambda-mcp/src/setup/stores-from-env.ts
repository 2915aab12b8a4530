// The store switch every entry point reads (`npm start`, `npm run conformance-server`, the Lambda handlers):
// STORE=memory (default), STORE=dynamodb (SESSION_TABLE_NAME, DYNAMODB_ENDPOINT and the standard AWS SDK
// configuration) or STORE=dynalite (an embedded DynamoDB with its data in a local folder, no AWS account).
// SESSION_IDLE_SECONDS (default 3600) sets how long stored events outlive their session's last request.
// STORE_TIMEOUT_MS (default 3000) is the total deadline of each DynamoDB call, retries included.
// The DynamoDB code and the AWS SDK are imported only when asked for: on AWS's endpoint with the first store
// call (deferred-stores.ts), for a local endpoint at start-up, to check its table. A plain 2026-07-28 request
// makes no store call; `subscriptions/listen` reads the global log and tasks use the task store.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isLocalEndpoint } from '../dynamodb/endpoint.js';
import { ConfigError, StoreUnavailableError } from '../errors.js';
import type { LambdaMcpOptions } from '../options.js';
import { isInLambda } from '../request-state-key.js';
import { deferredDynamoStores, sharedLoad } from './deferred-stores.js';

/** The values STORE accepts. */
export const STORE_KINDS = ['memory', 'dynamodb', 'dynalite'] as const;

/** What {@link storesFromEnv} built. */
export interface EnvStores {
  kind: (typeof STORE_KINDS)[number];
  /** Spread into `createLambdaMcp` options (empty for memory: the handler's defaults). */
  options: Pick<LambdaMcpOptions, 'sessionStore' | 'eventStore' | 'mailbox' | 'eventLog' | 'taskStore'>;
  /** One line for the start-up log, e.g. `DynamoDB table mcp (http://127.0.0.1:8000)`. */
  description: string;
  /** Releases what was started (the embedded dynalite, the client's sockets). */
  close(): Promise<void>;
}

/**
 * Builds the stores the environment asks for. Throws a ConfigError naming the key and the allowed values
 * for anything invalid. Inside Lambda, SESSION_TABLE_NAME without STORE means DynamoDB.
 *
 * @example
 * const stores = await storesFromEnv();
 * const handler = createLambdaMcp(factory, { ...optionsFromEnv(), ...stores.options });
 */
export async function storesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(line),
): Promise<EnvStores> {
  const kind = env.STORE?.trim() || (isInLambda(env) && env.SESSION_TABLE_NAME ? 'dynamodb' : 'memory');
  if (!STORE_KINDS.includes(kind as EnvStores['kind'])) {
    throw new ConfigError(`STORE must be one of ${STORE_KINDS.join(', ')}; got "${kind}"`);
  }
  if (kind === 'memory') {
    if (isInLambda(env)) {
      log('lambda-mcp: STORE=memory inside Lambda: 2025-era sessions live in one instance only');
    }
    return { kind, options: {}, description: 'in-memory stores', close: async () => {} };
  }

  const timeout = env.STORE_TIMEOUT_MS?.trim();
  const timeoutMs = timeout ? Number(timeout) : undefined;
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) {
    throw new ConfigError(`STORE_TIMEOUT_MS must be a whole number from 100 to 60000; got "${timeout}"`);
  }
  let endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  let tableName = env.SESSION_TABLE_NAME?.trim();
  const dynaliteFolder = kind === 'dynalite' ? resolve(env.DYNALITE_PATH?.trim() || '.data/dynalite') : '';
  const dynalitePort = Number(env.DYNALITE_PORT ?? 0);
  if (kind === 'dynalite') {
    if (!Number.isInteger(dynalitePort) || dynalitePort < 0 || dynalitePort > 65_535) {
      throw new ConfigError(
        `DYNALITE_PORT must be a port number (0 picks a free one); got "${env.DYNALITE_PORT}"`,
      );
    }
    tableName ||= 'lambda-mcp-local';
  }
  if (!tableName) throw new ConfigError('STORE=dynamodb needs SESSION_TABLE_NAME, the DynamoDB table to use');
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new ConfigError(`DYNAMODB_ENDPOINT must be a URL such as http://127.0.0.1:8000; got "${endpoint}"`);
  }
  const retention = env.EVENT_RETENTION_SECONDS?.trim();
  const eventRetentionSeconds = retention ? Number(retention) : undefined;
  if (
    eventRetentionSeconds !== undefined &&
    (!Number.isInteger(eventRetentionSeconds) || eventRetentionSeconds < 60 || eventRetentionSeconds > 86_400)
  ) {
    throw new ConfigError(
      `EVENT_RETENTION_SECONDS must be a whole number from 60 to 86400; got "${retention}"`,
    );
  }

  // The handler's session idle time, so that stored events live as long as the session that can resume them.
  const idle = env.SESSION_IDLE_SECONDS?.trim();
  const sessionIdleSeconds = idle ? Number(idle) : undefined;
  if (
    sessionIdleSeconds !== undefined &&
    (!Number.isInteger(sessionIdleSeconds) || sessionIdleSeconds < 60 || sessionIdleSeconds > 86_400)
  ) {
    throw new ConfigError(`SESSION_IDLE_SECONDS must be a whole number from 60 to 86400; got "${idle}"`);
  }

  let stopDynalite = async () => {};
  if (kind === 'dynalite') {
    await mkdir(dynaliteFolder, { recursive: true });
    const { startDynalite } = await import('../dynamodb/dynalite.js');
    const running = await startDynalite({ path: dynaliteFolder, port: dynalitePort });
    endpoint = running.endpoint;
    stopDynalite = running.close;
    log(`lambda-mcp: embedded dynalite at ${endpoint}, data in ${dynaliteFolder}`);
  }
  // On AWS's endpoint (DYNAMODB_ENDPOINT unset or naming AWS) nothing of the DynamoDB code is imported here.
  const local = isLocalEndpoint(endpoint);
  // The AWS SDK and the stores load with the first store call (deferred-stores.ts), except for a local
  // endpoint: its table is checked (and created when missing) now, which needs them anyway.
  let client: { destroy(): void } | undefined;
  const load = sharedLoad(async () => {
    const dynamo = await import('../dynamodb/index.js');
    const created = dynamo.createDynamoClient({
      ...(endpoint && { endpoint }),
      ...(timeoutMs !== undefined && { timeoutMs }),
      // A local DynamoDB accepts any signature; AWS configuration, when present, still wins.
      ...(local && !env.AWS_REGION && !env.AWS_DEFAULT_REGION && { region: 'us-east-1' }),
      ...(local &&
        !env.AWS_ACCESS_KEY_ID &&
        !env.AWS_PROFILE && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    });
    client = created;
    return {
      client: created,
      stores: dynamo.createDynamoStores({
        client: created,
        tableName: tableName as string,
        ...(eventRetentionSeconds !== undefined && { eventRetentionSeconds }),
        ...(sessionIdleSeconds !== undefined && { sessionIdleSeconds }),
        ...(timeoutMs !== undefined && { timeoutMs }),
      }),
    };
  });
  const close = async () => {
    client?.destroy();
    await stopDynalite();
  };
  if (local) {
    try {
      const { ensureLocalTable } = await import('../dynamodb/ensure-table.js');
      if (await ensureLocalTable((await load()).client, tableName as string, endpoint)) {
        log(`lambda-mcp: created table ${tableName} on ${endpoint} (it was missing)`);
      }
    } catch (error) {
      await close();
      throw error instanceof StoreUnavailableError && error.cause !== undefined ? error.cause : error;
    }
  }
  const stores = deferredDynamoStores(async () => (await load()).stores);
  return {
    kind: kind as EnvStores['kind'],
    options: stores,
    description: `DynamoDB table ${tableName}${endpoint ? ` (${endpoint})` : ''}`,
    close,
  };
}
