// The Tasks runtime: creates task records (durably, before `CreateTaskResult`), answers `tasks/get`,
// `tasks/update` and `tasks/cancel` from the store on any instance, and runs a task's tool (`execute`) with
// a heartbeat that keeps its lease and notices cancellation. A run ends at a terminal status or at
// `input_required`; `tasks/update` answering the last outstanding input starts a new run, on whichever
// instance received it, with the answers handed to the tool as `inputResponses` (MRTR, re-entrant).
import { randomBytes } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { StoreConflictError, StoreItemTooLargeError, TaskStateError } from '../errors.js';
import { principalOf } from '../principal.js';
import { Heartbeat } from './heartbeat.js';
import type { ResolvedTaskOptions } from './options.js';
import {
  cancelledPatch,
  detailedTask,
  isClaimable,
  isLeaseExpired,
  observedTask,
  storedAuth,
  timeoutPatch,
  unknownTask,
  workerStoppedError,
} from './protocol.js';
import type { TaskRun, TaskRunner } from './runner.js';
import { executionScope, type TaskExecution } from './scope.js';
import type { NewTaskCall, TaskHost } from './tool.js';
import {
  isTerminalTaskStatus,
  type TaskCall,
  type TaskError,
  type TaskPatch,
  type TaskRecord,
} from './types.js';

/** What dispatching a task's `tools/call` once produced. */
export type DispatchOutcome =
  | { kind: 'result'; result: Record<string, unknown> }
  | { kind: 'input'; inputRequests: Record<string, unknown>; requestState?: string }
  | { kind: 'error'; error: TaskError };

/** Sends a task's `tools/call` through the SDK (the modern leg provides it). */
export type TaskDispatch = (
  call: TaskCall,
  state: { inputResponses?: Record<string, unknown>; requestState?: string },
) => Promise<DispatchOutcome>;

/** Writes that lose a race are retried this often before the runtime gives up. */
const MAX_ATTEMPTS = 8;
/** Rounds of `requestState`-only input (no request to the client) a run goes through before it fails. */
const MAX_STATE_ROUNDS = 32;

/** A task id: 128 random bits, base64url (22 characters, safe in `Mcp-Name`). */
export function newTaskId(): string {
  return randomBytes(16).toString('base64url');
}

/** The runtime of one handler; see the module comment. */
export class TaskRuntime implements TaskHost {
  readonly options: ResolvedTaskOptions;
  readonly #store: ResolvedTaskOptions['store'] & object;
  readonly #runner: TaskRunner;
  readonly #dispatch: TaskDispatch;
  readonly #now: () => number;
  readonly #onerror: (error: Error) => void;
  readonly #onchange: ((record: TaskRecord) => void) | undefined;
  /** Runs of this process by run id, so a cancel received here aborts at once. */
  readonly #local = new Map<string, (why: 'cancel' | 'lost') => void>();

  constructor(init: {
    options: ResolvedTaskOptions & { store: NonNullable<ResolvedTaskOptions['store']> };
    runner: TaskRunner;
    dispatch: TaskDispatch;
    now: () => number;
    onerror: (error: Error) => void;
    onchange?: (record: TaskRecord) => void;
  }) {
    this.options = init.options;
    this.#store = init.options.store;
    this.#runner = init.runner;
    this.#dispatch = init.dispatch;
    this.#now = init.now;
    this.#onerror = init.onerror;
    this.#onchange = init.onchange;
  }

  get runner(): TaskRunner {
    return this.#runner;
  }

  async createTask(call: NewTaskCall): Promise<TaskRecord> {
    const now = this.#now();
    const runId = newTaskId();
    const record: TaskRecord = {
      id: newTaskId(),
      status: 'working',
      createdAt: now,
      updatedAt: now,
      expiresAt: now + (call.ttlMs ?? this.options.ttlMs),
      pollIntervalMs: call.pollIntervalMs ?? this.options.pollIntervalMs,
      version: 1,
      call: {
        name: call.name,
        ...(call.arguments && { arguments: call.arguments }),
        ...(call.meta && { meta: call.meta }),
        ...(call.authInfo && { auth: storedAuth(call.authInfo) }),
      },
      runId,
      heartbeatAt: now,
      leaseMs: this.options.leaseMs,
    };
    const owner = principalOf(call.authInfo);
    if (owner !== undefined) record.owner = owner;
    if (call.inputResponses && Object.keys(call.inputResponses).length > 0) {
      record.inputResponses = call.inputResponses;
    }
    // Durable before answering: the strongly consistent read of any instance finds it from here on.
    await this.#store.create(record);
    this.#changed(record);
    await this.#start({ taskId: record.id, runId }, record);
    return record;
  }

  /** The `DetailedTask` of `tasks/get`; throws -32602 for an unknown task or another principal's. */
  async get(taskId: string, authInfo: AuthInfo | undefined): Promise<Record<string, unknown>> {
    const record = await this.#read(taskId, authInfo);
    const now = this.#now();
    if (isLeaseExpired(record, now)) void this.#markStopped(record);
    return detailedTask(observedTask(record, now));
  }

  /** Stores answers to outstanding input requests; the last one resumes the task. Unknown keys are ignored. */
  async update(
    taskId: string,
    inputResponses: Record<string, unknown>,
    authInfo: AuthInfo | undefined,
  ): Promise<void> {
    let record = await this.#read(taskId, authInfo);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (record.status !== 'input_required') return;
      const outstanding = { ...record.inputRequests };
      const answers = { ...record.inputResponses };
      let answered = false;
      for (const [key, response] of Object.entries(inputResponses)) {
        if (!Object.hasOwn(outstanding, key)) continue;
        answers[record.inputKeys?.[key] ?? key] = response;
        delete outstanding[key];
        answered = true;
      }
      if (!answered) return;
      const resume = Object.keys(outstanding).length === 0;
      const runId = newTaskId();
      const patch: TaskPatch = resume
        ? {
            status: 'working',
            inputRequests: {},
            inputResponses: answers,
            runId,
            heartbeatAt: this.#now(),
            leaseMs: this.options.leaseMs,
            statusMessage: 'Resumed with the client input',
          }
        : { inputRequests: outstanding, inputResponses: answers };
      const written = await this.#write(record, patch);
      if (written === 'gone') return;
      if (written === 'conflict') {
        record = await this.#read(taskId, authInfo);
        continue;
      }
      if (resume) await this.#start({ taskId, runId }, written);
      return;
    }
  }

  /** Records a cancellation: at once for a task waiting for input, at the runner's next heartbeat otherwise. */
  async cancel(taskId: string, authInfo: AuthInfo | undefined): Promise<void> {
    let record = await this.#read(taskId, authInfo);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (isTerminalTaskStatus(record.status) || isLeaseExpired(record, this.#now())) return;
      if (record.runId) this.#local.get(record.runId)?.('cancel');
      if (record.status === 'working' && record.cancelRequested) return;
      const patch: TaskPatch =
        record.status === 'input_required'
          ? { status: 'cancelled', inputRequests: {}, statusMessage: 'Cancelled by the client' }
          : { cancelRequested: true };
      const written = await this.#write(record, patch);
      if (written !== 'conflict') return;
      record = await this.#read(taskId, authInfo);
    }
  }

  /**
   * Runs the task's tool until it ends or needs input; a no-op unless the task is `working` under `run`.
   * With a `deadline` (epoch ms; the Lambda worker's), the tool is aborted then and the task fails.
   */
  async execute(run: TaskRun, deadline?: number): Promise<void> {
    const record = await this.#claim(run);
    if (!record?.call) return;
    const call = record.call;
    const controller = new AbortController();
    let reason: 'cancel' | 'deadline' | 'lost' | undefined;
    const stop = (why: 'cancel' | 'deadline' | 'lost') => {
      reason ??= why;
      controller.abort();
    };
    this.#local.set(run.runId, stop);
    const beat = new Heartbeat(this.#store, record, this.options.heartbeatMs, this.#now, this.#onerror, stop);
    if (record.cancelRequested) stop('cancel');
    const execution: TaskExecution = {
      taskId: run.taskId,
      tool: call.name,
      signal: controller.signal,
      onStatus: (message) => beat.status(message),
    };
    let outcome: DispatchOutcome;
    const state = { inputResponses: record.inputResponses, requestState: record.requestState || undefined };
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(() => stop('deadline'), Math.max(0, deadline - this.#now()));
    try {
      outcome = await this.#rounds(execution, call, state);
    } catch (error) {
      outcome = { kind: 'error', error: { code: -32603, message: `The task failed: ${String(error)}` } };
    } finally {
      clearTimeout(timer);
      this.#local.delete(run.runId);
    }
    const latest = await beat.stop();
    if (!latest || reason === 'lost') return;
    try {
      await this.#finish(latest, run.runId, (current) => {
        if (reason === 'cancel') return cancelledPatch();
        if (reason === 'deadline') return timeoutPatch();
        const patch = this.#outcomePatch(outcome, current);
        return patch.status === 'input_required' && current.cancelRequested ? cancelledPatch() : patch;
      });
    } catch (error) {
      if (!(error instanceof StoreItemTooLargeError)) throw error;
      // The result does not fit the store: the task fails, saying so, rather than waiting for its lease.
      const tooLarge: TaskError = {
        code: -32603,
        message: `The task's result is too large to keep: ${error.message}`,
      };
      await this.#finish(latest, run.runId, () => ({
        status: 'failed',
        error: tooLarge,
        statusMessage: tooLarge.message,
      }));
    }
  }

  /** Takes `run` for this worker (see {@link isClaimable}): the record, renewed, or `undefined`. One write. */
  async #claim(run: TaskRun): Promise<TaskRecord | undefined> {
    const record = await this.#store.get(run.taskId);
    if (!record || !isClaimable(record, run, this.#now())) return undefined;
    try {
      const patch = { claimedRunId: run.runId, heartbeatAt: this.#now() };
      return await this.#store.update(run.taskId, record.version, patch);
    } catch (error) {
      if (error instanceof StoreConflictError || error instanceof TaskStateError) return undefined;
      throw error;
    }
  }

  /** Dispatches the tool, again while it only hands back `requestState` (no request for the client). */
  async #rounds(
    execution: TaskExecution,
    call: TaskCall,
    first: { inputResponses?: Record<string, unknown>; requestState?: string },
  ): Promise<DispatchOutcome> {
    let state = first;
    for (let round = 0; ; round++) {
      execution.protocolError = undefined;
      let outcome = await executionScope.run(execution, () => this.#dispatch(call, state));
      if (execution.protocolError) outcome = { kind: 'error', error: execution.protocolError };
      if (outcome.kind !== 'input' || Object.keys(outcome.inputRequests).length > 0) return outcome;
      if (round >= MAX_STATE_ROUNDS || !outcome.requestState) {
        const message = 'The tool asked for no input yet did not finish';
        return { kind: 'error', error: { code: -32603, message } };
      }
      state = { ...state, requestState: outcome.requestState };
    }
  }

  /** Resolves when every in-process run has ended (tests). */
  idle(): Promise<void> {
    return this.#runner.idle();
  }

  /**
   * Aborts this process's runs without writing anything (the handler is closing): their tasks stay
   * `working` until their lease runs out, then read as `failed`, the truth about a worker that stopped.
   */
  async close(): Promise<void> {
    for (const stop of this.#local.values()) stop('lost');
    await this.#runner.idle();
  }

  async #start(run: TaskRun, record: TaskRecord): Promise<void> {
    try {
      await this.#runner.start(run, (r) => this.execute(r));
    } catch (error) {
      this.#onerror(error instanceof Error ? error : new Error(String(error)));
      const error_: TaskError = { code: -32603, message: `The task could not be started: ${String(error)}` };
      await this.#write(record, { status: 'failed', error: error_, statusMessage: error_.message }).catch(
        () => {},
      );
    }
  }

  /** The patch that ends a run with `outcome`. */
  #outcomePatch(outcome: DispatchOutcome, latest: TaskRecord): TaskPatch {
    if (outcome.kind === 'result')
      return { status: 'completed', result: outcome.result, statusMessage: 'Completed' };
    if (outcome.kind === 'error')
      return { status: 'failed', error: outcome.error, statusMessage: outcome.error.message };
    const keys = { ...latest.inputKeys };
    const answers = { ...latest.inputResponses };
    const outstanding: Record<string, unknown> = {};
    for (const [key, request] of Object.entries(outcome.inputRequests)) {
      let wire = key;
      for (let n = 2; Object.hasOwn(keys, wire); n++) wire = `${key}.${n}`;
      keys[wire] = key;
      delete answers[key];
      outstanding[wire] = request;
    }
    return {
      status: 'input_required',
      inputRequests: outstanding,
      inputKeys: keys,
      inputResponses: answers,
      requestState: outcome.requestState ?? '',
      statusMessage: 'Waiting for input from the client',
    };
  }

  /** Writes a run's last patch, re-reading after a lost race; a cancel seen then wins over waiting for input. */
  async #finish(
    record: TaskRecord,
    runId: string,
    patchOf: (current: TaskRecord) => TaskPatch,
  ): Promise<void> {
    let current = record;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const written = await this.#write(current, patchOf(current));
      if (written !== 'conflict') return;
      const stored = await this.#store.get(current.id);
      if (!stored || stored.runId !== runId || isTerminalTaskStatus(stored.status)) return;
      current = stored;
    }
  }

  /** Persists the `failed` status of a task whose worker stopped (best effort: the read reports it anyway). */
  async #markStopped(record: TaskRecord): Promise<void> {
    const error = workerStoppedError();
    await this.#write(record, { status: 'failed', error, statusMessage: error.message }).catch(() => {});
  }

  /** One versioned write: the new record, `conflict` when another writer got there first, `gone` when absent. */
  async #write(record: TaskRecord, patch: TaskPatch): Promise<TaskRecord | 'conflict' | 'gone'> {
    try {
      const next = await this.#store.update(record.id, record.version, patch);
      if (!next) return 'gone';
      this.#changed(next);
      return next;
    } catch (error) {
      if (error instanceof StoreConflictError) return 'conflict';
      if (error instanceof TaskStateError) return 'gone';
      throw error;
    }
  }

  /** The task, when it exists and `authInfo` may see it (for listen streams). */
  async visible(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord | undefined> {
    const record = await this.#store.get(taskId);
    return record && record.owner === principalOf(authInfo) ? record : undefined;
  }

  async #read(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord> {
    const record = await this.#store.get(taskId);
    if (!record || record.owner !== principalOf(authInfo)) throw unknownTask();
    return record;
  }

  #changed(record: TaskRecord): void {
    if (!this.#onchange) return;
    try {
      this.#onchange(record);
    } catch (error) {
      this.#onerror(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
