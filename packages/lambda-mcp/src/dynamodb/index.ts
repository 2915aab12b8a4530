// `lambda-mcp/dynamodb`: the DynamoDB implementations of the store seams and the one table definition.
// A separate entry point, so applications on the in-memory stores never load the AWS SDK. The table's key
// helpers and the local-development pieces (dynalite, creating a missing local table) stay internal:
// `storesFromEnv` uses them.
import type { GlobalEventLog } from '../events/global-log.js';
import type { EventStore, ResponseMailbox, SessionStore } from '../stores/types.js';
import type { TaskStore } from '../tasks/types.js';
import { createDynamoClient, type DynamoClientInput, withDeadline } from './client.js';
import { DynamoEventStore } from './events.js';
import { DynamoGlobalEventLog } from './global-log.js';
import { DynamoResponseMailbox } from './mailbox.js';
import { DynamoSessionStore } from './sessions.js';
import { DynamoTaskStore } from './tasks.js';

// Types: the client input and the options of each store.
export type { DynamoClientInput, DynamoClientOptions } from './client.js';
// The stores, each on the one table, and the client they share.
export { createDynamoClient } from './client.js';
export type { DynamoEventStoreOptions } from './events.js';
export { DynamoEventStore } from './events.js';
export type { DynamoGlobalEventLogOptions } from './global-log.js';
export { DynamoGlobalEventLog } from './global-log.js';
export type { DynamoResponseMailboxOptions } from './mailbox.js';
export { DynamoResponseMailbox } from './mailbox.js';
export type { DynamoSessionStoreOptions } from './sessions.js';
export { DynamoSessionStore } from './sessions.js';
// The table a deploy creates: its key, index and TTL attribute names, and the CreateTable input.
export { createTableInput, TABLE } from './table.js';
export type { DynamoTaskStoreOptions } from './tasks.js';
export { DynamoTaskStore } from './tasks.js';

/** Options of {@link createDynamoStores}. */
export interface DynamoStoresOptions {
  tableName: string;
  /** Your client (its middleware, region and credentials apply); default {@link createDynamoClient}. */
  client?: DynamoClientInput;
  /** The handler's session idle time, so events live as long as the session that can resume them. */
  sessionIdleSeconds?: number;
  /** How long published events stay in the global log, in seconds. Default 3600. */
  eventRetentionSeconds?: number;
  /**
   * Total deadline of each store call, in ms (connection, request and retries together), also on your
   * client: past it the call is aborted and the request answers 503 + `Retry-After`. Default 3000.
   */
  timeoutMs?: number;
  now?: () => number;
}

/** The stores `createLambdaMcp` takes, all on one table. */
export interface DynamoStores {
  sessionStore: SessionStore;
  eventStore: EventStore;
  mailbox: ResponseMailbox;
  eventLog: GlobalEventLog;
  /** Tasks of the Tasks extension (SEP-2663), `TASK#<id>` items. */
  taskStore: TaskStore;
}

/**
 * The DynamoDB stores for {@link createLambdaMcp}.
 *
 * @example
 * const handler = createLambdaMcp(factory, { ...createDynamoStores({ tableName: 'mcp' }), sse: 'poll' });
 */
export function createDynamoStores(options: DynamoStoresOptions): DynamoStores {
  const timeoutMs = options.timeoutMs;
  const client = withDeadline(
    options.client ?? createDynamoClient(timeoutMs === undefined ? {} : { timeoutMs }),
    timeoutMs,
  );
  const shared = { client, tableName: options.tableName, ...(options.now && { now: options.now }) };
  // Events outlive their session a little (touches are a minute apart), never the other way round.
  const retentionMs = (options.sessionIdleSeconds ?? 3600) * 1000 + 5 * 60_000;
  return {
    sessionStore: new DynamoSessionStore(shared),
    eventStore: new DynamoEventStore({ ...shared, retentionMs }),
    mailbox: new DynamoResponseMailbox(shared),
    eventLog: new DynamoGlobalEventLog({
      ...shared,
      retentionMs: (options.eventRetentionSeconds ?? 3600) * 1000,
    }),
    taskStore: new DynamoTaskStore(shared),
  };
}
