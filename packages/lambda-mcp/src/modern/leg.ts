// The 2026-07-28 leg: the SDK's own `createMcpHandler`, which does the whole protocol statelessly (`_meta`
// envelope, `server/discover`, MRTR, `subscriptions/listen`). lambda-mcp only hands it the parsed body, the
// caller's auth, an event bus over the shared log, and, on buffered Lambda, a bounded listen window. The
// Tasks extension (./tasks.ts) rides on it: servers with task tools get the task methods, and task runs
// dispatch their `tools/call` through the same SDK handler.
import {
  type AuthInfo,
  createMcpHandler,
  type McpHttpHandler,
  type McpRequestContext,
  type McpServer,
  type Server,
} from '@modelcontextprotocol/server';
import type { EventFeed } from '../events/feed.js';
import { FeedServerEventBus } from '../events/server-event-bus.js';
import type { PostBody } from '../http/edge.js';
import type { ResolvedOptions } from '../options.js';
import type { TaskRuntime } from '../tasks/runtime.js';
import { holdFor, isListen } from './listen-window.js';
import { publishTaskChange, serveTaskListen } from './task-listen.js';
import { createTaskRuntime, withCallScope, withTasks } from './tasks.js';

/** The modern leg: serves a 2026-07-28 request the edge has checked and whose body it read. */
export interface ModernLeg {
  /** The SDK handler (for `notify`, `bus` and `close`). */
  readonly sdk: McpHttpHandler;
  /** The Tasks runtime (task methods, runs, the Lambda worker). */
  readonly tasks: TaskRuntime;
  handle(request: Request, body: PostBody | undefined, authInfo?: AuthInfo): Promise<Response>;
}

/** Builds the modern leg over the SDK handler; `factory` builds one server per request. */
export function createModernLeg(
  factory: (ctx: McpRequestContext) => McpServer | Server | Promise<McpServer | Server>,
  options: ResolvedOptions,
  feed: EventFeed,
): ModernLeg {
  let sdk: McpHttpHandler | undefined;
  const tasks = createTaskRuntime(
    { ...options.tasks, store: options.tasks?.store ?? options.taskStore },
    () => (request, body, authInfo) =>
      (sdk as McpHttpHandler).fetch(request, { parsedBody: body, ...(authInfo && { authInfo }) }),
    options.now,
    options.onerror,
    (record) => publishTaskChange(feed, record, options.onerror),
  );
  sdk = createMcpHandler(withTasks(factory, tasks), {
    legacy: 'reject',
    onerror: options.onerror,
    maxRequestBodySize: options.maxBodyBytes,
    bus: options.bus ?? new FeedServerEventBus(feed, options.onerror),
    ...(options.responseMode && { responseMode: options.responseMode }),
    keepAliveMs: options.keepAliveMs,
  });
  const handler = sdk;
  return {
    sdk: handler,
    tasks,
    handle: async (incoming, body, authInfo) => {
      const request =
        options.listenWindowMs > 0 && isListen(incoming, body)
          ? holdFor(incoming, options.listenWindowMs)
          : incoming;
      const parsed = body?.kind === 'json' ? body.value : undefined;
      const serve = (parsedBody: unknown) =>
        withCallScope(parsedBody, () =>
          handler.fetch(request, {
            ...(parsedBody !== undefined && { parsedBody }),
            ...(authInfo && { authInfo }),
          }),
        );
      const listen = await serveTaskListen(parsed, authInfo, tasks, feed, options.now, serve, request.signal);
      return listen ?? serve(parsed);
    },
  };
}
