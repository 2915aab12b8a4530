// The tool author's side of the Tasks extension: `registerTaskTool` registers an ordinary SDK tool whose
// calls become durable tasks when the client declared `io.modelcontextprotocol/tasks` (`optional` tools stay
// synchronous for other clients; `required` ones refuse them with -32021). The handler is written as it
// would be without tasks: it reports status with `notifications/progress` messages, asks for input by
// returning `inputRequired(...)` and reading `ctx.mcpReq.inputResponses`, and stops when `ctx.mcpReq.signal`
// aborts. The 2026-07-28 tool schema has no `execution.taskSupport` (the SDK strips it), so the support level
// is lambda-mcp's own and lives here.
import type {
  AuthInfo,
  CallToolResult,
  InputRequiredResult,
  McpServer,
  RegisteredTool,
  ServerContext,
  StandardSchemaWithJSON,
  ToolCallback,
} from '@modelcontextprotocol/server';
import { ProtocolError } from '@modelcontextprotocol/server';
import { createTaskResult, declaresTasks, missingTasksCapability } from './protocol.js';
import { callScope, executionScope, type TaskExecution } from './scope.js';
import type { TaskRecord } from './types.js';

/** Whether a tool may run as a task (`optional`: when the client declared the extension) or must. */
export type TaskSupport = 'optional' | 'required';

/** What a tool's call hands the task host to create its task. */
export interface NewTaskCall {
  name: string;
  arguments?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  /** Answers of the MRTR phase before the task (see `beforeTask`), handed to the tool when it runs. */
  inputResponses?: Record<string, unknown>;
  authInfo?: AuthInfo;
  ttlMs?: number;
  pollIntervalMs?: number;
}

/** The runtime a server's task tools create their tasks with; the modern leg binds one to each server. */
export interface TaskHost {
  /** Stores the task durably, hands it to the runner, and resolves the stored record. */
  createTask(call: NewTaskCall): Promise<TaskRecord>;
}

/** The tool's registration: the SDK's tool config plus the task settings. */
export interface TaskToolConfig<InputArgs extends StandardSchemaWithJSON | undefined> {
  title?: string;
  description?: string;
  inputSchema?: InputArgs;
  outputSchema?: StandardSchemaWithJSON;
  annotations?: Parameters<McpServer['registerTool']>[1]['annotations'];
  _meta?: Record<string, unknown>;
  /** `optional`: a task when the client declared the extension, else a plain call. `required`: always a task. */
  taskSupport: TaskSupport;
  /** How long the task is kept, from its creation, in ms. Default: the handler's `tasks.ttlMs` (1 hour). */
  ttlMs?: number;
  /** The poll interval suggested to clients, in ms. Default: the handler's `tasks.pollIntervalMs` (1 s). */
  pollIntervalMs?: number;
  /**
   * Runs on the `tools/call` itself, before a task is created: return `inputRequired(...)` to gather input
   * synchronously (MRTR), or `undefined` to create the task. Answers gathered this way reach the handler
   * in `ctx.mcpReq.inputResponses`.
   */
  beforeTask?: (
    args: Record<string, unknown>,
    ctx: ServerContext,
  ) => InputRequiredResult | undefined | Promise<InputRequiredResult | undefined>;
}

const hosts = new WeakMap<object, TaskHost>();
const taskServers = new WeakSet<object>();

/** Binds the runtime the task tools of `server` create their tasks with (the modern leg does this). */
export function bindTaskHost(server: object, host: TaskHost): void {
  hosts.set(server, host);
}

/** Whether any task tool was registered on `server`, so the leg attaches the extension to it. */
export function hasTaskTools(server: object): boolean {
  return taskServers.has(server);
}

/**
 * Registers a tool that runs as a durable task (SEP-2663) when served by lambda-mcp's modern leg. Elsewhere
 * (a 2025-era session, a server not behind lambda-mcp) it is an ordinary tool.
 *
 * @example
 * registerTaskTool(server, 'report', { inputSchema: z.object({ days: z.number() }), taskSupport: 'optional' },
 *   async ({ days }, ctx) => {
 *     await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: 0, progress: 0, message: 'Collecting' } });
 *     return { content: [{ type: 'text', text: await buildReport(days, ctx.mcpReq.signal) }] };
 *   });
 */
export function registerTaskTool<InputArgs extends StandardSchemaWithJSON | undefined = undefined>(
  server: McpServer,
  name: string,
  config: TaskToolConfig<InputArgs>,
  handler: ToolCallback<InputArgs>,
): RegisteredTool {
  const { taskSupport, ttlMs, pollIntervalMs, beforeTask, ...toolConfig } = config;
  if (taskSupport !== 'optional' && taskSupport !== 'required') {
    throw new TypeError(`taskSupport must be optional or required; got ${JSON.stringify(taskSupport)}`);
  }
  taskServers.add(server);
  const hasArgs = toolConfig.inputSchema !== undefined;
  const invoke = (args: unknown, ctx: ServerContext) =>
    hasArgs
      ? (handler as (a: unknown, c: ServerContext) => Promise<CallToolResult | InputRequiredResult>)(
          args,
          ctx,
        )
      : (handler as (c: ServerContext) => Promise<CallToolResult | InputRequiredResult>)(ctx);

  const wrapped = async (...params: unknown[]): Promise<CallToolResult | InputRequiredResult> => {
    const args = (hasArgs ? params[0] : {}) as Record<string, unknown>;
    const ctx = (hasArgs ? params[1] : params[0]) as ServerContext;
    const execution = executionScope.getStore();
    if (execution?.tool === name) return runInTask(execution, () => invoke(args, inTask(ctx, execution)));
    const host = hosts.get(server);
    const scope = callScope.getStore();
    if (!host || !scope) return invoke(args, ctx);
    if (!declaresTasks(ctx.mcpReq.envelope)) {
      if (taskSupport === 'optional') return invoke(args, ctx);
      const error = missingTasksCapability(`the tool ${name}`);
      scope.rejection = error;
      return { content: [{ type: 'text', text: error.message }], isError: true };
    }
    if (beforeTask) {
      const early = await beforeTask(args, ctx);
      if (early) return early;
    }
    const authInfo = ctx.http?.authInfo;
    const record = await host.createTask({
      name,
      arguments: args,
      ...(ctx.mcpReq.envelope && { meta: ctx.mcpReq.envelope as Record<string, unknown> }),
      ...(ctx.mcpReq.inputResponses && { inputResponses: ctx.mcpReq.inputResponses }),
      ...(authInfo && { authInfo }),
      ...(ttlMs !== undefined && { ttlMs }),
      ...(pollIntervalMs !== undefined && { pollIntervalMs }),
    });
    // The answer is the CreateTaskResult exactly as the SEP shapes it, given by the leg in the SDK's place: the
    // SDK would check it as this tool's output (and refuse it when the tool has an output schema) and add
    // `content: []`. What it gets here is a result its checks let through, which the leg discards.
    scope.created = createTaskResult(record);
    return { content: [], isError: true };
  };
  return server.registerTool(name, toolConfig as never, wrapped as never);
}

/** The tool's context inside a task: the task's abort signal, and progress messages as status messages. */
function inTask(ctx: ServerContext, execution: TaskExecution): ServerContext {
  const notify = async (notification: { method: string; params?: Record<string, unknown> }) => {
    const message = notification.params?.message;
    if (notification.method === 'notifications/progress' && typeof message === 'string') {
      execution.onStatus(message);
    }
    // Nothing else has a place to go: a task's result is read with tasks/get, not streamed.
  };
  return { ...ctx, mcpReq: { ...ctx.mcpReq, signal: execution.signal, notify } } as ServerContext;
}

/** Runs the tool inside a task; a JSON-RPC error it throws fails the task (the SDK would make it `isError`). */
async function runInTask(
  execution: TaskExecution,
  run: () => Promise<CallToolResult | InputRequiredResult>,
): Promise<CallToolResult | InputRequiredResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProtocolError) {
      execution.protocolError = {
        code: error.code,
        message: error.message,
        ...(error.data !== undefined && { data: error.data }),
      };
    }
    throw error;
  }
}
