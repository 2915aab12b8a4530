// The Tasks extension (SEP-2663) fixtures the conformance suite's tasks-* scenarios call: `greet` (never a
// task), `slow_compute`, `failing_job`, `protocol_error_job`, `confirm_delete`, `multi_input` and
// `test_tool_with_task`, registered with lambda-mcp's `registerTaskTool`. Each handler is written as it
// would be without tasks: it asks for input with `inputRequired(...)` and stops when its signal aborts.
import {
  acceptedContent,
  type CallToolResult,
  inputRequired,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import { registerTaskTool } from 'lambda-mcp';
import { jsonSchema } from './json-schema.js';

const NO_ARGUMENTS = jsonSchema<Record<string, never>>({ type: 'object', properties: {} });

function text(value: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: value }], ...(isError && { isError: true }) };
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('cancelled'));
      },
      { once: true },
    );
  });
}

const confirmation = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] },
  });

const askName = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  });

/** Registers the tasks fixtures on `server`. */
export function registerTaskTools(server: McpServer): void {
  server.registerTool(
    'greet',
    {
      description: 'Greets by name; never a task',
      inputSchema: jsonSchema<{ name?: string }>({
        type: 'object',
        properties: { name: { type: 'string' } },
      }),
    },
    async ({ name }) => text(`Hello, ${name ?? 'World'}!`),
  );

  registerTaskTool(
    server,
    'slow_compute',
    {
      description: 'Sleeps `seconds` seconds, then answers; cancellable',
      inputSchema: jsonSchema<{ seconds?: number; label?: string }>({
        type: 'object',
        properties: { seconds: { type: 'number' }, label: { type: 'string' } },
      }),
      taskSupport: 'optional',
    },
    async ({ seconds = 1, label = 'compute' }, ctx) => {
      if (seconds > 0) {
        await ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken: label, progress: 0, message: `Computing ${label} for ${seconds} s` },
        });
        await sleep(seconds * 1000, ctx.mcpReq.signal);
      }
      return text(`Computed ${label} after ${seconds} s`);
    },
  );

  registerTaskTool(
    server,
    'failing_job',
    {
      description: 'Fails with a tool error after about a second',
      inputSchema: NO_ARGUMENTS,
      taskSupport: 'required',
    },
    async (_args, ctx) => {
      await sleep(1000, ctx.mcpReq.signal);
      return text('The job failed: simulated tool error', true);
    },
  );

  registerTaskTool(
    server,
    'protocol_error_job',
    { description: 'Fails with a JSON-RPC error', inputSchema: NO_ARGUMENTS, taskSupport: 'optional' },
    async () => {
      throw new ProtocolError(ProtocolErrorCode.InternalError, 'Simulated internal failure');
    },
  );

  registerTaskTool(
    server,
    'confirm_delete',
    {
      description: 'Asks to confirm, then "deletes" the file',
      inputSchema: jsonSchema<{ filename?: string }>({
        type: 'object',
        properties: { filename: { type: 'string' } },
      }),
      taskSupport: 'optional',
    },
    async ({ filename = 'file.txt' }, ctx) => {
      const answer = acceptedContent<{ confirm?: unknown }>(ctx.mcpReq.inputResponses, 'confirm');
      if (answer === undefined) {
        return inputRequired({ inputRequests: { confirm: confirmation(`Delete ${filename}?`) } });
      }
      return text(answer.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`);
    },
  );

  registerTaskTool(
    server,
    'multi_input',
    { description: 'Asks two questions at once', inputSchema: NO_ARGUMENTS, taskSupport: 'optional' },
    async (_args, ctx) => {
      const responses = ctx.mcpReq.inputResponses;
      const name = acceptedContent<{ name?: unknown }>(responses, 'name');
      const confirm = acceptedContent<{ confirm?: unknown }>(responses, 'confirm');
      const inputRequests = {
        ...(name === undefined && { name: askName('What is your name?') }),
        ...(confirm === undefined && { confirm: confirmation('Proceed?') }),
      };
      if (Object.keys(inputRequests).length > 0) return inputRequired({ inputRequests });
      return text(`Got ${String(name?.name)} and ${String(confirm?.confirm)}`);
    },
  );

  const userName = (responses: Record<string, unknown> | undefined) =>
    acceptedContent<{ name?: unknown }>(responses, 'user_name')?.name;
  registerTaskTool(
    server,
    'test_tool_with_task',
    {
      description: 'Asks for a name (MRTR), then greets in a task',
      inputSchema: NO_ARGUMENTS,
      taskSupport: 'required',
      beforeTask: (_args, ctx) =>
        typeof userName(ctx.mcpReq.inputResponses) === 'string'
          ? undefined
          : inputRequired({ inputRequests: { user_name: askName('What is your name?') } }),
    },
    async (_args, ctx) => text(`Hello, ${String(userName(ctx.mcpReq.inputResponses))}!`),
  );
}
