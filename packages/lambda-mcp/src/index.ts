// lambda-mcp's public API: the one `fetch` core, its factory context, the store seams with their in-memory
// defaults, event publishing, and the error family. Adapters live in subpath exports (`lambda-mcp/lambda`,
// `lambda-mcp/node`), the DynamoDB stores in `lambda-mcp/dynamodb`. Every export is a deliberate part of the
// surface (`exports.test.ts` holds the list); internals stay importable from their source files only.

// OAuth 2.1 resource server: the `auth` option's type, and the scope test tools gate admin actions with.
export { hasScope } from './auth/claims.js';
export type { AuthOptions } from './auth/config.js';
// Types: what a factory receives and returns.
export type { LambdaMcpContext, LambdaMcpServerFactory } from './context.js';
// The core and its options.
export { createLambdaMcp } from './core.js';
// The errors lambda-mcp throws and answers with.
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
// Types: event publishing (what to publish, where, what came of it) and the handler's feed.
export type { EventFeed, PublishResult } from './events/feed.js';
// Types: the store seams, for your own implementations (the contracts are in each interface's docs).
export type {
  GlobalEventLog,
  LoggedEvent,
  LogPage,
  MemoryGlobalEventLogOptions,
} from './events/global-log.js';

// The in-memory defaults of every store seam, and the live fan-out hub of this instance's streams.
export { MemoryGlobalEventLog } from './events/global-log.js';
export type { EventInput, EventScope, McpEvent } from './events/model.js';
export { SessionEventHub } from './events/session-hub.js';
export type { SnsIngestResult } from './events/sns.js';

// Publishing events from an SNS topic (the handler's own `ingestSns` calls this with its feed).
export { ingestSns, isSnsEvent } from './events/sns.js';
// Types: the web handler every adapter takes, and the part of the Lambda context lambda-mcp reads.
export type { FetchHandler, LambdaContextLike } from './invocation.js';
// Types: the handler, its options (given and resolved), per-request inputs and the record of each request.
export type {
  LambdaMcpHandler,
  LambdaMcpOptions,
  LambdaMcpRequestOptions,
  RequestRecord,
  ResolvedOptions,
} from './options.js';
export { isClientRejection, resolveOptions } from './options.js';
// A schema whose JSON Schema is computed once per instance, for servers built per request.
export { cachedJsonSchema } from './schema-cache.js';
export { optionsFromEnv } from './setup/env.js';
export type { EnvStores } from './setup/stores-from-env.js';
export { storesFromEnv } from './setup/stores-from-env.js';
export { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from './stores/memory.js';
export type {
  EventStore,
  ResponseMailbox,
  SessionPatch,
  SessionRecord,
  SessionStore,
  StoredEvent,
} from './stores/types.js';
export type { LambdaClientLike, LambdaSdk, TaskWorkerEvent } from './tasks/lambda-runner.js';
export { isTaskWorkerEvent, LambdaAsyncTaskRunner } from './tasks/lambda-runner.js';
export { MemoryTaskStore } from './tasks/memory.js';
// tasks: the Tasks extension (SEP-2663): the tool author's API, its options, runners and wire helpers
export type { TaskOptions } from './tasks/options.js';
export { TASK_DEFAULTS } from './tasks/options.js';
export { TASKS_EXTENSION_ID } from './tasks/protocol.js';
export type { TaskRun, TaskRunner } from './tasks/runner.js';
export { InProcessTaskRunner } from './tasks/runner.js';
export type { TaskRuntime } from './tasks/runtime.js';
export type { TaskSupport, TaskToolConfig } from './tasks/tool.js';
export { registerTaskTool } from './tasks/tool.js';
export type { TaskCall, TaskError, TaskPatch, TaskRecord, TaskStatus, TaskStore } from './tasks/types.js';
