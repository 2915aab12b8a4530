// Where a task's tool runs once its `CreateTaskResult` is sent: the `TaskRunner` seam. `in-process` keeps
// running it in this process (the local server, Lambda response streaming: the invocation lives on while
// the tool runs); `lambda-async` (./lambda-runner.ts) invokes the function itself asynchronously with a
// worker event naming the task. Either way the run is `TaskRuntime.execute`, which any instance can do: the
// task record holds everything a run needs.
/** One run to start: a task and the run id its record was claimed with. */
export interface TaskRun {
  taskId: string;
  runId: string;
}

/** Starts task runs; resolves once the run is under way (or handed to another worker). */
export interface TaskRunner {
  /** `in-process` or `lambda-async`, for diagnostics. */
  readonly kind: string;
  start(run: TaskRun, execute: (run: TaskRun) => Promise<void>): Promise<void>;
  /** Resolves when every run this runner started here has ended (tests, graceful shutdown). */
  idle(): Promise<void>;
}

/** Runs tasks in this process, in the background of the request that created or resumed them. */
export class InProcessTaskRunner implements TaskRunner {
  readonly kind = 'in-process';
  readonly #running = new Set<Promise<void>>();
  readonly #onerror: (error: Error) => void;

  constructor(onerror: (error: Error) => void) {
    this.#onerror = onerror;
  }

  async start(run: TaskRun, execute: (run: TaskRun) => Promise<void>): Promise<void> {
    const running = execute(run).catch((error: unknown) => {
      this.#onerror(error instanceof Error ? error : new Error(String(error)));
    });
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  }

  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
