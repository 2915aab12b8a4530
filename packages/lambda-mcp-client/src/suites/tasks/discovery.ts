// What the tasks suite finds out once per run: whether `server/discover` advertises the Tasks extension
// (without it no check runs), the server's tools, and the task tool — `--task-tool`, or the first tool
// (not annotated destructiveHint: true) whose probe call, declaring the extension, answers a task (that
// probe task is cancelled at once) — plus the shape rules every task answer must follow.
import { isRecord } from '../../guards.js';
import { brief, check, describeResponse, fail } from '../../runner/assert.js';
import { argumentsFor } from '../../runner/schema.js';
import type { TestContext } from '../../runner/types.js';
import { TASKS_EXTENSION, TaskWire, type WireTask } from '../../tasks/wire.js';

/** Why every check is skipped on a server without the extension (a skip never counts as a pass). */
export const NOT_ADVERTISED = 'not run: the server does not advertise the Tasks extension';

/** A tool as tools/list answers it. */
export interface ListedTool {
  name: string;
  inputSchema?: unknown;
  annotations?: { destructiveHint?: boolean };
}

/** The statuses a task may have. */
const STATUSES = ['working', 'input_required', 'completed', 'cancelled', 'failed'];
/** An ISO 8601 date-time (with a zone), as `createdAt` and `lastUpdatedAt` must be. */
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** The test's wire (its recording fetch). */
export function wireOf(ctx: TestContext): TaskWire {
  return new TaskWire(ctx.url, ctx.fetch);
}

/** Skips the test unless `server/discover` advertises the extension (checked once per run). */
export async function requireExtension(ctx: TestContext): Promise<void> {
  const advertised = await ctx.memo('tasks:advertised', async () => {
    const result = await wireOf(ctx).call('server/discover', {}, { name: null });
    const capabilities = isRecord(result.capabilities) ? result.capabilities : {};
    const extensions = isRecord(capabilities.extensions) ? capabilities.extensions : {};
    return isRecord(extensions[TASKS_EXTENSION]);
  });
  if (!advertised) ctx.skip(NOT_ADVERTISED);
}

/** Every tool of tools/list (all pages), once per run. */
export function listTools(ctx: TestContext): Promise<ListedTool[]> {
  return ctx.memo('tasks:tools', async () => {
    const wire = wireOf(ctx);
    const tools: ListedTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await wire.call('tools/list', cursor ? { cursor } : {}, { name: null });
      if (Array.isArray(result.tools)) tools.push(...(result.tools as ListedTool[]));
      cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return tools;
  });
}

/** Arguments for `tool` made from its inputSchema (`{}` when none can be made). */
export function argumentsOf(tool: ListedTool): Record<string, unknown> {
  const generated = argumentsFor(tool.inputSchema ?? { type: 'object' });
  return generated.ok ? generated.args : {};
}

/** The tools worth a probe call: all but those annotated destructive. */
export async function probeCandidates(ctx: TestContext): Promise<ListedTool[]> {
  return (await listTools(ctx)).filter((tool) => tool.annotations?.destructiveHint !== true);
}

/** Calls `tool` declaring the extension; resolves the result (a task or not). */
export async function callTool(
  ctx: TestContext,
  tool: ListedTool,
  options: { declare?: boolean } = {},
): Promise<Record<string, unknown>> {
  return wireOf(ctx).call('tools/call', { name: tool.name, arguments: argumentsOf(tool) }, options);
}

/** Sends tasks/cancel for `taskId` when the test ends (unless it ended already), ignoring the answer. */
export function cancelLater(ctx: TestContext, taskId: string): void {
  ctx.defer(() =>
    wireOf(ctx)
      .send('tasks/cancel', { taskId })
      .catch(() => {}),
  );
}

/**
 * The task tool: `--task-tool`, or the first probe candidate whose call answers a task (once per run).
 * Skips the test, saying why, when there is none.
 */
export async function taskTool(ctx: TestContext): Promise<ListedTool> {
  const found = await ctx.memo('tasks:tool', async (): Promise<ListedTool | string> => {
    const tools = await listTools(ctx);
    if (ctx.taskTool) {
      const named = tools.find((tool) => tool.name === ctx.taskTool);
      return named ?? { name: ctx.taskTool };
    }
    for (const tool of await probeCandidates(ctx)) {
      let result: Record<string, unknown>;
      try {
        result = await callTool(ctx, tool);
      } catch {
        continue; // A tool that refuses generated arguments is no candidate.
      }
      if (result.resultType === 'task' && typeof result.taskId === 'string') {
        await wireOf(ctx)
          .send('tasks/cancel', { taskId: result.taskId })
          .catch(() => {});
        return tool;
      }
    }
    return `no tool of tools/list (${tools.length}) answered a task to a probe call declaring the extension; name one with --task-tool`;
  });
  if (typeof found === 'string') ctx.skip(found);
  return found;
}

/** Creates a task with the task tool; it is cancelled when the test ends. */
export async function createTask(ctx: TestContext): Promise<{ tool: ListedTool; task: WireTask }> {
  const tool = await taskTool(ctx);
  const result = await callTool(ctx, tool);
  check(
    result.resultType === 'task',
    `tools/call of the task tool ${tool.name}, declaring the extension, must answer a CreateTaskResult (resultType "task")`,
    () => brief(result),
  );
  checkTaskShape(result, `the CreateTaskResult of ${tool.name}`);
  const task = result as WireTask;
  cancelLater(ctx, task.taskId);
  return { tool, task };
}

/** The Task fields every task answer carries: taskId, status, ISO times, integer ttlMs and pollIntervalMs. */
export function checkTaskShape(value: Record<string, unknown>, what: string): void {
  const got = () => brief(value, 400);
  check(typeof value.taskId === 'string' && value.taskId !== '', `${what} must have a taskId`, got);
  check(STATUSES.includes(String(value.status)), `${what} must have a status of ${STATUSES.join(', ')}`, got);
  for (const key of ['createdAt', 'lastUpdatedAt']) {
    const at = value[key];
    check(
      typeof at === 'string' && ISO_DATE_TIME.test(at) && !Number.isNaN(Date.parse(at)),
      `${what} must have ${key} as an ISO 8601 date-time`,
      got,
    );
  }
  check(
    value.ttlMs === null || Number.isInteger(value.ttlMs),
    `${what} must have ttlMs in integer milliseconds (or null)`,
    got,
  );
  check(
    value.pollIntervalMs === undefined || Number.isInteger(value.pollIntervalMs),
    `${what} must give pollIntervalMs in integer milliseconds`,
    got,
  );
  check(!('requestState' in value), `${what} must not carry requestState`, got);
}

/** Checks a tasks/get answer: resultType "complete", the task's fields, what its status carries. */
export function checkDetailedTask(value: Record<string, unknown>, taskId: string): WireTask {
  const got = () => brief(value, 400);
  check(value.resultType === 'complete', 'tasks/get must answer resultType "complete"', got);
  checkTaskShape(value, 'a tasks/get answer');
  check(value.taskId === taskId, `tasks/get must answer the task asked for (${taskId})`, got);
  if (value.status === 'completed')
    check(isRecord(value.result), 'a completed task must carry its result', got);
  if (value.status === 'failed') {
    check(
      isRecord(value.error) && Number.isInteger(value.error.code),
      'a failed task must carry its JSON-RPC error',
      got,
    );
  }
  if (value.status === 'input_required') {
    check(
      isRecord(value.inputRequests) && Object.keys(value.inputRequests).length > 0,
      'an input_required task must carry its inputRequests',
      got,
    );
  }
  return value as WireTask;
}

/** Requires a JSON-RPC error with `code` for `method`; resolves the error. */
export async function expectTaskError(
  ctx: TestContext,
  method: string,
  params: Record<string, unknown>,
  code: number,
  rule: string,
  options: { declare?: boolean; name?: string | null } = {},
): Promise<{ code?: unknown; message?: unknown; data?: unknown }> {
  const read = await wireOf(ctx).send(method, params, options);
  if (read.message?.result) fail(rule, describeResponse(read));
  check(read.message?.error?.code === code, rule, () => describeResponse(read));
  return read.message.error;
}
