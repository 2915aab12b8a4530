// The extension's methods on one SDK server: `tasks/get`, `tasks/update` and `tasks/cancel` as custom-schema
// request handlers (the SDK lets exactly these reused names through on 2026-07-28 when registered with a
// schema) and the `io.modelcontextprotocol/tasks` capability for `server/discover`. `tasks/result` and
// `tasks/list` stay unregistered: the SDK answers them -32601, as SEP-2663 requires. The SDK checks the
// `Mcp-Name` = `taskId` header rule (-32020) before any of these run.
import type { McpServer, Server, ServerContext, StandardSchemaV1 } from '@modelcontextprotocol/server';
import { declaresTasks, missingTasksCapability, TASKS_EXTENSION_ID } from './protocol.js';
import type { TaskRuntime } from './runtime.js';

interface TaskParams {
  taskId: string;
}

/**
 * The params schema of the task methods: a string `taskId`. (`tasks/update`'s `inputResponses` is lifted off
 * the params by the SDK's multi-round-trip layer, like a retried call's; it arrives in `ctx.mcpReq`.)
 */
function taskParams(method: string): StandardSchemaV1<unknown, TaskParams> {
  return {
    '~standard': {
      version: 1,
      vendor: 'lambda-mcp',
      validate(value: unknown) {
        const params = value as Record<string, unknown> | null;
        if (typeof params?.taskId !== 'string' || params.taskId === '') {
          return { issues: [{ message: `${method} needs a string taskId` }] };
        }
        return { value: { taskId: params.taskId } };
      },
    },
  };
}

/** Refuses a task method from a request that did not declare the extension (-32021). */
function requireDeclared(method: string, ctx: ServerContext): void {
  if (!declaresTasks(ctx.mcpReq.envelope)) throw missingTasksCapability(method);
}

/**
 * Serves the Tasks extension on `server` with `runtime`: the three methods and the capability. Call it before
 * the server is connected (the modern leg does, on every server its factory builds that has task tools).
 *
 * @example
 * attachTaskMethods(mcpServer, runtime);
 */
export function attachTaskMethods(server: McpServer | Server, runtime: TaskRuntime): void {
  const low = 'server' in server ? server.server : server;
  low.setRequestHandler('tasks/get', { params: taskParams('tasks/get') }, async (params, ctx) => {
    requireDeclared('tasks/get', ctx);
    return { resultType: 'complete', ...(await runtime.get(params.taskId, ctx.http?.authInfo)) } as never;
  });
  low.setRequestHandler('tasks/update', { params: taskParams('tasks/update') }, async (params, ctx) => {
    requireDeclared('tasks/update', ctx);
    await runtime.update(params.taskId, ctx.mcpReq.inputResponses ?? {}, ctx.http?.authInfo);
    return { resultType: 'complete' } as never;
  });
  low.setRequestHandler('tasks/cancel', { params: taskParams('tasks/cancel') }, async (params, ctx) => {
    requireDeclared('tasks/cancel', ctx);
    await runtime.cancel(params.taskId, ctx.http?.authInfo);
    return { resultType: 'complete' } as never;
  });
  low.registerCapabilities({ extensions: { [TASKS_EXTENSION_ID]: {} } });
}
