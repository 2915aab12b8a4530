// `lambda-mcp/dynamodb`: the DynamoDB implementations of the store seams and the one table definition.
// A separate entry point, so applications on the in-memory stores never load the AWS SDK.
import type { GlobalEventLog } from '../events/global-log.js';
import type { EventStore, ResponseMailbox, SessionStore } from '../stores/types.js';
import { createDynamoClient, type DynamoClientInput } from './client.js';
import { DynamoEventStore } from './events.js';
import { DynamoGlobalEventLog } from './global-log.js';
import { DynamoResponseMailbox } from './mailbox.js';
import { DynamoSessionStore } from './sessions.js';

export { createDynamoClient, type DynamoClientInput, type DynamoClientOptions } from './client.js';
export { type DynaliteOptions, type RunningDynalite, startDynalite } from './dynalite.js';
export { ensureLocalTable, isLocalEndpoint } from './ensure-table.js';
export { DynamoEventStore, type DynamoEventStoreOptions } from './events.js';
export { DynamoGlobalEventLog, type DynamoGlobalEventLogOptions } from './global-log.js';
export { DynamoResponseMailbox, type DynamoResponseMailboxOptions } from './mailbox.js';
export { DynamoSessionStore, type DynamoSessionStoreOptions } from './sessions.js';
export {
  createTableInput,
  GLOBAL_BUCKET_MS,
  isExpired,
  keys,
  sessionIndexKeys,
  sessionShardKey,
  TABLE,
  ttlOf,
} from './table.js';
export { DynamoTaskStore, type DynamoTaskStoreOptions } from './tasks.js';

/** Options of {@link createDynamoStores}. */
export interface DynamoStoresOptions {
  tableName: string;
  /** Your client (its middleware, region and credentials apply); default {@link createDynamoClient}. */
  client?: DynamoClientInput;
  /** The handler's session idle time, so events live as long as the session that can resume them. */
  sessionIdleSeconds?: number;
  /** How long published events stay in the global log, in seconds. Default 3600. */
  eventRetentionSeconds?: number;
  now?: () => number;
}

/** The stores `createLambdaMcp` takes, all on one table. */
export interface DynamoStores {
  sessionStore: SessionStore;
  eventStore: EventStore;
  mailbox: ResponseMailbox;
  eventLog: GlobalEventLog;
}

/**
 * The DynamoDB stores for {@link createLambdaMcp}.
 *
 * @example
 * const handler = createLambdaMcp(factory, { ...createDynamoStores({ tableName: 'mcp' }), sse: 'poll' });
 */
export function createDynamoStores(options: DynamoStoresOptions): DynamoStores {
  const client = options.client ?? createDynamoClient();
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
  };
}
