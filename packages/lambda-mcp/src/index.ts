// lambda-mcp's public API: the one `fetch` core, its factory context, the store seams with their in-memory
// defaults, and the error family. Adapters live in subpath exports (`lambda-mcp/lambda`, `lambda-mcp/node`).

export type { FetchExtras, FetchHandler, LambdaContextLike } from './adapters/fetch-handler.js';
export type { LambdaMcpContext, LambdaMcpServerFactory } from './context.js';
export { isLoopbackHost, LOOPBACK_HOSTNAMES, mountAt, optionsFromEnv } from './env.js';
export {
  ConfigError,
  HttpError,
  InvalidCursorError,
  LambdaMcpError,
  StoreConflictError,
  StoreItemTooLargeError,
  StoreUnavailableError,
  TaskStateError,
} from './errors.js';
export { SessionEventHub } from './events/session-hub.js';
export {
  createLambdaMcp,
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  type LambdaMcpRequestOptions,
  type RequestRecord,
} from './handler.js';
export { isInLambda, resolveRequestStateKey } from './request-state-key.js';
export { type EnvStores, STORE_KINDS, storesFromEnv } from './stores/from-env.js';
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
