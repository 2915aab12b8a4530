// A child process the fan-out bench talks to over IPC: messages kept in arrival order until asked for by
// type, a `failed` message or an unexpected exit rejecting every wait, and a timeout on each wait so a
// stalled phase fails the run instead of hanging it. Output lines are passed on (the last 4 KiB kept).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A child speaking `{ type, ... }` messages. */
export class IpcChild<In extends { type: string }, Out extends { type: string }> {
  readonly child: ChildProcess;
  readonly #inbox: Out[] = [];
  #waiters: (() => void)[] = [];
  #failure: Error | undefined;
  #output = '';
  readonly exited: Promise<void>;

  /** Spawns `node [...nodeArgs] --import tsx <file>` in the repository root. */
  constructor(
    readonly name: string,
    file: string,
    nodeArgs: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ) {
    const base = { ...process.env, ...env };
    delete base.NODE_OPTIONS;
    this.child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file], {
      cwd: ROOT,
      env: base,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        this.#output = (this.#output + chunk).slice(-4096);
      });
    }
    this.child.on('message', (message: Out) => {
      if (message.type === 'failed') {
        this.#fail(new Error(`${name}: ${(message as unknown as { error: string }).error}`));
        return;
      }
      this.#inbox.push(message);
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        if (code !== 0) this.#fail(new Error(`${name} exited (${signal ?? code}):\n${this.#output}`));
        resolve();
      });
    });
    this.child.once('error', (error) => this.#fail(error));
  }

  send(message: In): void {
    this.child.send(message);
  }

  /** The next message of `type` (kept ones first); rejects on failure or after `timeoutMs`. */
  async next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#failure) throw this.#failure;
      const at = this.#inbox.findIndex((message) => message.type === type);
      if (at !== -1) return this.#inbox.splice(at, 1)[0] as Extract<Out, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms:\n${this.#output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Kills the child unless it has exited; resolves once it has. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
