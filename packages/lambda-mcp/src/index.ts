// lambda-mcp's public API: the one `fetch` core, its factory context, the store seams with their in-memory
// defaults, and the error family. Adapters live in subpath exports (`lambda-mcp/lambda`, `lambda-mcp/node`).

export type { LambdaMcpContext, LambdaMcpServerFactory } from './context.js';
export { createLambdaMcp } from './core.js';
export {
  ConfigError,
  HttpError,
  InvalidCursorError,
  InvalidEventError,
  LambdaMcpError,
  StoreConflictError,
  StoreItemTooLargeError,
  StoreUnavailableError,
  TaskStateError,
  UnsupportedEventError,
} from './errors.js';
export { BroadcastBus, type BroadcastStats, type BusSubscriber } from './events/broadcast.js';
export { EventFeed, type EventFeedOptions, type PublishResult } from './events/feed.js';
export {
  type GlobalEventLog,
  type LoggedEvent,
  type LogPage,
  MemoryGlobalEventLog,
  type MemoryGlobalEventLogOptions,
} from './events/global-log.js';
export {
  type BusEvent,
  CHANGE_EVENT_TYPES,
  DEFAULT_MAX_EVENT_BYTES,
  EVENT_LOGGER,
  type EventInput,
  type EventScope,
  eventNotification,
  type McpEvent,
} from './events/model.js';
export { FeedServerEventBus } from './events/server-event-bus.js';
export { SessionEventHub } from './events/session-hub.js';
export { ingestSns, isSnsEvent, SNS_DEFAULT_TYPE, type SnsIngestResult } from './events/sns.js';
export { isLoopbackHost, LOOPBACK_HOSTNAMES } from './http/loopback.js';
export { mountAt } from './http/mount.js';
export type { FetchExtras, FetchHandler, LambdaContextLike } from './invocation.js';
export {
  DEFAULTS,
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  type LambdaMcpRequestOptions,
  type RequestRecord,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
export { isInLambda, resolveRequestStateKey } from './request-state-key.js';
export { optionsFromEnv } from './setup/env.js';
export { type EnvStores, STORE_KINDS, storesFromEnv } from './setup/stores-from-env.js';
export { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from './stores/memory.js';
export type {
  EventStore,
  ResponseMailbox,
  SessionPatch,
  SessionRecord,
  SessionStore,
  StoredEvent,
} from './stores/types.js';
export { MemoryTaskStore } from './tasks/memory.js';
export {
  assertTaskTransition,
  isTerminalTaskStatus,
  type TaskPatch,
  type TaskRecord,
  type TaskStatus,
  type TaskStore,
} from './tasks/types.js';
