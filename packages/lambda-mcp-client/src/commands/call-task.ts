// `lambda-mcp-client call --task`: one tool call that declares the Tasks extension (SEP-2663). A plain
// result is printed as `call` prints it; a task (`resultType: "task"`) is followed with tasks/get at the
// server's pollIntervalMs, one status line per change on stderr (rewritten in place on a TTY), its
// questions (`inputRequests`, and MRTR `input_required` on the tools/call itself) asked on the terminal as
// `connect` asks them and answered through tasks/update, and `--cancel-after` sends tasks/cancel. Exits 1
// on an error result, a failed or a cancelled task, or input needed with no terminal to ask on.
import { createInterface, type Interface } from 'node:readline';
import type { CallOptions } from '../options.js';
import { colorFor, styles } from '../runner/style.js';
import { toElicitation } from '../session/routing.js';
import { type ElicitationAnswer, type ElicitationRequest, sessionFetch } from '../session.js';
import { followTask, type InputResponses } from '../tasks/follow.js';
import { isWireTask, TaskWire, type WireTask } from '../tasks/wire.js';
import { describeError, type PrintedResult, printResult } from './call.js';
import { askUser } from './connect/elicitation.js';
import { LineQueue } from './connect/line-queue.js';

/** Most MRTR rounds on the tools/call itself before giving up. */
const MAX_ROUNDS = 10;

/** Where `call --task` reads and writes. */
export interface TaskCallIo {
  /** stdout: the result. */
  out(text: string): void;
  /** stderr: progress and messages. */
  err(text: string): void;
  /** Whether stderr is a TTY (the progress line is rewritten in place). */
  tty: boolean;
  /** Asks the user; absent when there is no terminal to ask on. */
  ask?: (request: ElicitationRequest) => Promise<ElicitationAnswer>;
  /** Releases what `ask` holds (the readline). */
  close?(): void;
}

/** Thrown when the server needs input that cannot be asked for. */
class NoAnswer extends Error {
  override readonly name = 'NoAnswer';
}

/** The process's stdio; `ask` on a readline over stdin and stderr when both are TTYs. */
export function processIo(): TaskCallIo {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  let rl: Interface | undefined;
  let lines: LineQueue | undefined;
  const err = (text: string) => process.stderr.write(text);
  return {
    out: (text) => process.stdout.write(text),
    err,
    tty: Boolean(process.stderr.isTTY),
    ...(interactive && {
      ask: (request: ElicitationRequest) => {
        rl ??= createInterface({ input: process.stdin, output: process.stderr, terminal: true });
        lines ??= new LineQueue(rl, true);
        return askUser(request, {
          rl,
          lines,
          interactive: true,
          out: styles(colorFor(process.stderr)),
          write: err,
        });
      },
    }),
    close: () => rl?.close(),
  };
}

/** A one-line description of a task's state: `working — Computing for 5 s`. */
export function statusLine(task: WireTask): string {
  return `task ${task.taskId}: ${task.status}${task.statusMessage ? ` — ${task.statusMessage}` : ''}`;
}

/** Answers `requests` (elicitations) through `io.ask`; throws {@link NoAnswer} when that cannot be done. */
async function answerAll(
  requests: Record<string, { method?: string; params?: Record<string, unknown> }>,
  io: TaskCallIo,
): Promise<InputResponses> {
  const responses: InputResponses = {};
  for (const [key, request] of Object.entries(requests)) {
    const params = request.params ?? {};
    if (request.method !== 'elicitation/create') {
      throw new NoAnswer(
        `the server asks for ${request.method ?? 'an unnamed request'} (${key}), which call cannot answer`,
      );
    }
    if (!io.ask) {
      throw new NoAnswer(
        `the server needs input ("${String(params.message ?? key)}") and there is no terminal to ask on ` +
          '(stdin and stderr must be a TTY)',
      );
    }
    const answer = await io.ask(toElicitation('input_required', params));
    responses[key] =
      answer.action === 'accept'
        ? { action: 'accept', content: answer.content ?? {} }
        : { action: answer.action };
  }
  return responses;
}

/**
 * Runs `call --task`; resolves the exit code.
 *
 * @example
 * process.exitCode = await runTaskCall('slow_compute', { seconds: 5 }, { ...options, cancelAfter: 1000 });
 */
export async function runTaskCall(
  tool: string,
  args: Record<string, unknown>,
  options: CallOptions,
  io: TaskCallIo = processIo(),
): Promise<number> {
  const wire = new TaskWire(options.url, sessionFetch(options.url, { debug: options.debug, auth: options }));
  const fail = (text: string) => {
    io.err(`lambda-mcp-client call: ${text}\n`);
    return 1;
  };
  let lineOpen = false;
  const endLine = () => {
    if (lineOpen) io.err('\n');
    lineOpen = false;
  };
  let taskId: string | undefined;
  try {
    let params: Record<string, unknown> = { name: tool, arguments: args };
    let result = await wire.call('tools/call', params);
    // MRTR on the call itself (e.g. input gathered before the task exists): answer, then call again.
    for (let round = 0; result.resultType === 'input_required'; round++) {
      if (round >= MAX_ROUNDS) return fail(`${tool} still asks for input after ${MAX_ROUNDS} rounds`);
      const requests = (result.inputRequests ?? {}) as Parameters<typeof answerAll>[0];
      const inputResponses = await answerAll(requests, io);
      params = {
        name: tool,
        arguments: args,
        inputResponses,
        ...(result.requestState !== undefined && { requestState: result.requestState }),
      };
      result = await wire.call('tools/call', params);
    }
    if (result.resultType !== 'task') {
      io.err(`lambda-mcp-client call: ${tool} answered at once (not as a task)\n`);
      return printResult(tool, result as PrintedResult, io.out, io.err);
    }
    if (!isWireTask(result)) return fail(`${tool} answered resultType "task" without a taskId and status`);
    taskId = result.taskId;
    const done = await followTask(wire, result, {
      onStatus: (task) => {
        if (io.tty) {
          io.err(`\r\u001b[2K${statusLine(task)}`);
          lineOpen = true;
        } else io.err(`${statusLine(task)}\n`);
      },
      answer: async (requests) => {
        endLine();
        return answerAll(requests, io);
      },
      ...(options.cancelAfter !== undefined && { cancelAfterMs: options.cancelAfter }),
      onCancelSent: () => {
        endLine();
        io.err(
          `lambda-mcp-client call: sent tasks/cancel for task ${taskId} after ${options.cancelAfter} ms\n`,
        );
      },
    });
    endLine();
    if (done.status === 'completed') {
      if (!done.result) return fail(`task ${done.taskId} completed without a result`);
      return printResult(tool, done.result, io.out, io.err);
    }
    if (done.status === 'failed') {
      io.out(`${JSON.stringify({ error: done.error ?? null }, null, 2)}\n`);
      const code = done.error?.code;
      return fail(
        `task ${done.taskId} failed: ${String(done.error?.message ?? done.statusMessage ?? 'no error given')}` +
          (typeof code === 'number' ? ` [code ${code}]` : ''),
      );
    }
    return fail(`task ${done.taskId} was cancelled${done.statusMessage ? ` (${done.statusMessage})` : ''}`);
  } catch (error) {
    endLine();
    if (error instanceof NoAnswer && taskId) {
      // Leave nothing waiting for an answer that will not come.
      await wire.call('tasks/cancel', { taskId }).catch(() => {});
      return fail(`${error.message}; cancelled task ${taskId}`);
    }
    return fail(describeError(error));
  } finally {
    io.close?.();
  }
}
