// The tasks suite (SEP-2663, io.modelcontextprotocol/tasks) on 2026-07-28, with raw requests that declare
// the extension: a task's lifecycle (CreateTaskResult shape, tasks/get to a terminal status), cancellation,
// input (input_required → tasks/update → resumed) when a tool asks for any, and the errors the extension
// defines (-32602 unknown task, -32601 for the removed tasks/list and tasks/result, -32020 for an Mcp-Name
// that is not the taskId, -32021 without the extension declared). On a server that does not advertise the
// extension every check is skipped, which never counts as a pass.
import { isRecord } from '../guards.js';
import { brief, check, describeResponse, fail } from '../runner/assert.js';
import { deadlineOf, left } from '../runner/deadline.js';
import { MODERN } from '../runner/mcp.js';
import { argumentsFor } from '../runner/schema.js';
import type { TestCase, TestContext } from '../runner/types.js';
import { isTerminal, TASKS_EXTENSION, type WireTask } from '../tasks/wire.js';
import {
  argumentsOf,
  callTool,
  cancelLater,
  checkDetailedTask,
  createTask,
  expectTaskError,
  probeCandidates,
  requireExtension,
  taskTool,
  wireOf,
} from './tasks/discovery.js';

/** A tasks test: skipped unless the server advertises the extension. */
function tasksTest(name: string, run: (ctx: TestContext) => Promise<void>): TestCase {
  return {
    suite: 'tasks',
    name,
    versions: [MODERN],
    run: async (ctx) => {
      await requireExtension(ctx);
      await run(ctx);
    },
  };
}

/**
 * The task's `tasks/get` answers until `done` says so, each checked; at the deadline a failure of `rule`
 * (or, with `atDeadline: 'return'`, the last answer).
 */
async function pollUntil(
  ctx: TestContext,
  taskId: string,
  done: (task: WireTask) => boolean,
  rule: string,
  deadline = deadlineOf(ctx),
  atDeadline: 'fail' | 'return' = 'fail',
): Promise<WireTask> {
  const wire = wireOf(ctx);
  let last: WireTask | undefined;
  for (;;) {
    last = checkDetailedTask(await wire.call('tasks/get', { taskId }), taskId);
    if (done(last)) return last;
    const interval = typeof last.pollIntervalMs === 'number' ? last.pollIntervalMs : 1000;
    if (left(deadline) <= Math.min(interval, 1000)) {
      if (atDeadline === 'return') return last;
      fail(rule, `still ${last.status}: ${brief(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(interval, left(deadline) - 1))));
  }
}

/** An empty acknowledgement: `{ resultType: "complete" }` and at most `_meta`. */
function checkAck(result: Record<string, unknown>, method: string): void {
  const extra = Object.keys(result).filter((key) => key !== 'resultType' && key !== '_meta');
  check(
    result.resultType === 'complete' && extra.length === 0,
    `${method} must answer an empty result with resultType "complete"`,
    () => brief(result),
  );
}

const lifecycle = tasksTest(
  'lifecycle: tools/call answers a CreateTaskResult and tasks/get follows it to a terminal status',
  async (ctx) => {
    const { tool, task } = await createTask(ctx);
    check(!('result' in task), 'a CreateTaskResult must not carry the result', () => brief(task));
    let asked = false;
    const done = await pollUntil(
      ctx,
      task.taskId,
      (t) => {
        asked ||= t.status === 'input_required';
        return isTerminal(t.status) || asked;
      },
      `task ${task.taskId} of ${tool.name} must reach a terminal status within the test's timeout`,
    );
    if (asked) ctx.skip(`${tool.name} asks for input; name a tool that runs without input with --task-tool`);
    ctx.note(`${tool.name} ended ${done.status}${done.statusMessage ? ` (${done.statusMessage})` : ''}`);
  },
);

const cancel = tasksTest(
  'cancel: tasks/cancel answers an empty result and the task ends cancelled (or stays completed)',
  async (ctx) => {
    const { task } = await createTask(ctx);
    checkAck(await wireOf(ctx).call('tasks/cancel', { taskId: task.taskId }), 'tasks/cancel');
    const done = await pollUntil(
      ctx,
      task.taskId,
      (t) => isTerminal(t.status),
      `task ${task.taskId} must end after tasks/cancel`,
    );
    check(
      done.status === 'cancelled' || done.status === 'completed',
      'a cancelled task must end cancelled, or stay completed if it finished first',
      () => brief(done),
    );
    const again = checkDetailedTask(
      await wireOf(ctx).call('tasks/get', { taskId: task.taskId }),
      task.taskId,
    );
    check(again.status === done.status, 'a terminal task must keep its status', () => brief(again));
    ctx.note(`ended ${done.status}`);
  },
);

/** A task that reached input_required (its tool's others cancelled), or a skip reason. */
async function inputTask(
  ctx: TestContext,
  deadline: number,
): Promise<{ name: string; task: WireTask } | string> {
  for (const tool of await probeCandidates(ctx)) {
    if (left(deadline) < 2000) break;
    let result: Record<string, unknown>;
    try {
      result = await callTool(ctx, tool);
    } catch {
      continue;
    }
    if (result.resultType !== 'task' || typeof result.taskId !== 'string') continue;
    cancelLater(ctx, result.taskId);
    // Wait while it works (at most 3 s): a tool that asks for input does so soon. Each answer is checked.
    const seen = await pollUntil(
      ctx,
      result.taskId,
      (t) => t.status !== 'working',
      'a task of a probe call',
      Math.min(deadline - 1000, performance.now() + 3000),
      'return',
    );
    if (seen?.status === 'input_required') return { name: tool.name, task: seen };
    await wireOf(ctx)
      .send('tasks/cancel', { taskId: result.taskId })
      .catch(() => {});
  }
  return 'no tool of tools/list asked for input in a task (input_required) within 3 s of its probe call';
}

const input = tasksTest(
  'input: input_required carries inputRequests, tasks/update is accepted and the task resumes',
  async (ctx) => {
    const deadline = deadlineOf(ctx);
    const found = await inputTask(ctx, deadline);
    if (typeof found === 'string') return ctx.skip(found);
    const { name, task } = found;
    const requests = task.inputRequests ?? {};
    const inputResponses: Record<string, unknown> = {};
    for (const [key, request] of Object.entries(requests)) {
      check(
        isRecord(request) && typeof request.method === 'string',
        'each inputRequests entry must be a request with a method',
        () => brief(requests),
      );
      if (request.method !== 'elicitation/create')
        ctx.skip(`${name} asks for ${request.method}, which this suite cannot answer`);
      const schema = isRecord(request.params) ? request.params.requestedSchema : undefined;
      const generated = argumentsFor(schema ?? { type: 'object' });
      inputResponses[key] = { action: 'accept', content: generated.ok ? generated.args : {} };
    }
    checkAck(await wireOf(ctx).call('tasks/update', { taskId: task.taskId, inputResponses }), 'tasks/update');
    const answered = new Set(Object.keys(inputResponses));
    const resumed = await pollUntil(
      ctx,
      task.taskId,
      (t) =>
        t.status !== 'input_required' || Object.keys(t.inputRequests ?? {}).some((key) => !answered.has(key)),
      `task ${task.taskId} of ${name} must resume after tasks/update answered ${[...answered].join(', ')}`,
      deadline,
    );
    ctx.note(`${name} asked ${[...answered].join(', ')}; after tasks/update it is ${resumed.status}`);
  },
);

const unknownTask = tasksTest(
  'an unknown taskId answers -32602 (tasks/get, tasks/update, tasks/cancel)',
  async (ctx) => {
    const taskId = 'lambda-mcp-client-no-such-task';
    await expectTaskError(
      ctx,
      'tasks/get',
      { taskId },
      -32602,
      'tasks/get of an unknown taskId must answer -32602',
    );
    for (const method of ['tasks/update', 'tasks/cancel']) {
      const read = await wireOf(ctx).send(method, {
        taskId,
        ...(method === 'tasks/update' && { inputResponses: {} }),
      });
      if (read.message?.result)
        fail(`${method} of an unknown taskId must answer a JSON-RPC error`, describeResponse(read));
      if (read.message?.error?.code !== -32602)
        ctx.note(`${method} answered ${brief(read.message?.error)} (-32602 is a SHOULD)`);
    }
  },
);

const removed = tasksTest(
  'tasks/list and tasks/result answer -32601 (the extension removed them)',
  async (ctx) => {
    for (const method of ['tasks/list', 'tasks/result']) {
      const params = method === 'tasks/result' ? { taskId: 'lambda-mcp-client-no-such-task' } : {};
      await expectTaskError(ctx, method, params, -32601, `${method} must answer -32601 (method not found)`, {
        name: method === 'tasks/list' ? null : undefined,
      });
    }
  },
);

const nameMismatch = tasksTest('an Mcp-Name header that is not the taskId answers -32020', async (ctx) => {
  const { task } = await createTask(ctx);
  await expectTaskError(
    ctx,
    'tasks/get',
    { taskId: task.taskId },
    -32020,
    'tasks/get whose Mcp-Name header is not its taskId must answer -32020 (header mismatch)',
    { name: `${task.taskId}-other` },
  );
});

const undeclared = tasksTest(
  'a task method without the extension declared answers -32021 naming it in requiredCapabilities',
  async (ctx) => {
    const { task } = await createTask(ctx);
    for (const method of ['tasks/get', 'tasks/cancel']) {
      const error = await expectTaskError(
        ctx,
        method,
        { taskId: task.taskId },
        -32021,
        `${method} from a client that did not declare the extension must answer -32021`,
        { declare: false },
      );
      const data = isRecord(error.data) ? error.data : {};
      const required = isRecord(data.requiredCapabilities) ? data.requiredCapabilities : {};
      const extensions = isRecord(required.extensions) ? required.extensions : {};
      check(
        isRecord(extensions[TASKS_EXTENSION]),
        `the -32021 error must name ${TASKS_EXTENSION} in data.requiredCapabilities.extensions`,
        () => brief(error),
      );
    }
  },
);

const noTaskUndeclared = tasksTest(
  'tools/call of the task tool without the extension declared never answers a task',
  async (ctx) => {
    const tool = await taskTool(ctx);
    const read = await wireOf(ctx).send(
      'tools/call',
      { name: tool.name, arguments: argumentsOf(tool) },
      { declare: false },
    );
    const result = read.message?.result;
    if (result?.resultType === 'task') {
      if (typeof result.taskId === 'string') cancelLater(ctx, result.taskId);
      fail(
        'a server must not answer a task to a client that did not declare the extension',
        describeResponse(read),
      );
    }
    if (read.message?.error) {
      check(
        read.message.error.code === -32021,
        'a tool that must run as a task answers -32021 to a client without the extension',
        () => describeResponse(read),
      );
      ctx.note(`${tool.name} requires the extension (-32021)`);
    } else ctx.note(`${tool.name} answered at once without the extension`);
  },
);

/** The suite's test cases. */
export const tasksTests: TestCase[] = [
  lifecycle,
  cancel,
  input,
  unknownTask,
  removed,
  nameMismatch,
  undeclared,
  noTaskUndeclared,
];
