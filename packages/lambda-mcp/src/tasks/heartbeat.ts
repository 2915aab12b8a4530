// A running task's heartbeat, apart from the runtime that owns it: one conditional (versioned) write per
// interval that keeps the task's lease and carries its latest status message, and the way a runner on one
// instance learns of a cancellation recorded on another.
import { StoreConflictError, TaskStateError } from '../errors.js';
import { isTerminalTaskStatus, type TaskPatch, type TaskRecord, type TaskStore } from './types.js';

/**
 * A running task's heartbeat: one conditional (versioned) write per interval, never two at once, carrying the
 * latest status message. A write that loses a race reads the stored record from the conflict; a record that
 * asks for cancellation, went terminal or belongs to another run aborts the tool.
 */
export class Heartbeat {
  #latest: TaskRecord | undefined;
  #pending: string | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly store: TaskStore,
    record: TaskRecord,
    intervalMs: number,
    private readonly now: () => number,
    private readonly onerror: (error: Error) => void,
    private readonly abort: (why: 'cancel' | 'lost') => void,
  ) {
    this.#latest = record;
    this.#timer = setInterval(() => {
      this.#inFlight ??= this.#beat().finally(() => {
        this.#inFlight = undefined;
      });
    }, intervalMs);
    this.#timer.unref();
  }

  status(message: string): void {
    this.#pending = message;
  }

  async #beat(): Promise<void> {
    const record = this.#latest;
    if (!record) return;
    const message = this.#pending;
    this.#pending = undefined;
    try {
      const patch: TaskPatch = {
        heartbeatAt: this.now(),
        ...(message !== undefined && { statusMessage: message }),
      };
      this.#see(await this.store.update(record.id, record.version, patch), record.runId);
    } catch (error) {
      if (message !== undefined && this.#pending === undefined) this.#pending = message;
      if (error instanceof StoreConflictError) {
        this.#see(
          (error.current as TaskRecord | undefined) ?? (await this.store.get(record.id).catch(() => record)),
          record.runId,
        );
      } else if (error instanceof TaskStateError) {
        this.#see(undefined, record.runId);
      } else {
        this.onerror(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  #see(record: TaskRecord | undefined, runId: string | undefined): void {
    this.#latest = record;
    if (!record || record.runId !== runId || isTerminalTaskStatus(record.status)) this.abort('lost');
    else if (record.cancelRequested) this.abort('cancel');
  }

  /** Stops beating and resolves the latest record it knows (a later write re-reads on conflict). */
  async stop(): Promise<TaskRecord | undefined> {
    clearInterval(this.#timer);
    await this.#inFlight;
    return this.#latest;
  }
}
