// Where `aws_real_time_monitor` reports while it watches. Inside one request: each change as a log message
// and, when the caller asked for progress, a progress notification on the request's stream. As a task:
// one status line per poll ("poll 3/12: 2 changes so far"), sent as a progress message, which the task
// runtime keeps as the task's `statusMessage` (read with tasks/get); logs have nowhere to go there.
import type { ServerContext } from '@modelcontextprotocol/server';

const LOGGER = 'aws_real_time_monitor';

/** What the watch tells its reporter. */
export interface WatchReporter {
  /** The first snapshot is taken and polling starts. */
  started(message: string): Promise<void>;
  /** A resource was added, removed or changed. */
  change(message: string): Promise<void>;
  /** Poll number `poll` (the first snapshot is 1) ended; `changes` counts every change so far. */
  polled(poll: number, changes: number, latest: string | undefined): Promise<void>;
  /** A poll failed with `message`. */
  failed(poll: number, message: string): Promise<void>;
}

/** Reports to the request's stream: log messages, and progress notifications when asked for (today's behaviour). */
export class RequestReporter implements WatchReporter {
  readonly #call: ServerContext;
  readonly #started: number;
  readonly #totalMs: number;
  readonly #token: string | number | undefined;
  #progress = -1;

  constructor(call: ServerContext, started: number, totalMs: number) {
    this.#call = call;
    this.#started = started;
    this.#totalMs = totalMs;
    this.#token = call.mcpReq._meta?.progressToken;
  }

  started(message: string): Promise<void> {
    return this.#send(message);
  }

  change(message: string): Promise<void> {
    return this.#send(message);
  }

  async polled(): Promise<void> {}

  failed(_poll: number, message: string): Promise<void> {
    return this.#send(`poll failed: ${message}`, 'warning');
  }

  /** Progress is the elapsed time in ms (of `total`, the planned duration), kept strictly increasing. */
  async #send(message: string, level: 'info' | 'warning' = 'info'): Promise<void> {
    // A client that stopped listening must not stop the monitor: notification failures are dropped.
    await this.#call.mcpReq.log(level, message, LOGGER).catch(() => {});
    if (this.#token === undefined) return;
    const elapsed = Math.min(Date.now() - this.#started, this.#totalMs);
    this.#progress = Math.max(this.#progress + 1, elapsed);
    await this.#call.mcpReq
      .notify({
        method: 'notifications/progress',
        params: { progressToken: this.#token, progress: this.#progress, total: this.#totalMs, message },
      })
      .catch(() => {});
  }
}

/** Reports a task's progress as its status message, one line per poll; `totalPolls` are the planned ones. */
export class TaskStatusReporter implements WatchReporter {
  readonly #call: ServerContext;
  readonly #totalPolls: number;

  constructor(call: ServerContext, totalPolls: number) {
    this.#call = call;
    this.#totalPolls = totalPolls;
  }

  started(message: string): Promise<void> {
    return this.#status(1, `poll 1/${this.#totalPolls}: ${message}`);
  }

  async change(): Promise<void> {}

  polled(poll: number, changes: number, latest: string | undefined): Promise<void> {
    const so = `${changes} ${changes === 1 ? 'change' : 'changes'} so far`;
    return this.#status(
      poll,
      `poll ${poll}/${this.#totalPolls}: ${so}${latest ? `; latest: ${latest}` : ''}`,
    );
  }

  failed(poll: number, message: string): Promise<void> {
    return this.#status(poll, `poll ${poll}/${this.#totalPolls} failed: ${message}`);
  }

  async #status(poll: number, message: string): Promise<void> {
    // Inside a task the progress message becomes the status message; the token is not shown to anyone.
    await this.#call.mcpReq
      .notify({
        method: 'notifications/progress',
        params: { progressToken: LOGGER, progress: poll, total: this.#totalPolls, message },
      })
      .catch(() => {});
  }
}
