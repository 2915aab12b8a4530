// Waiting without sleeping: a Watch whose waiters re-check their condition whenever something happened and
// give up at a deadline (a `performance.now()` time) or an abort, and a pause that an abort cuts short.

/** Wakes the waiters of {@link Watch.until} whenever something they may be waiting for happened. */
export class Watch {
  readonly #waiters = new Set<() => void>();

  /** Something changed: every waiter checks its condition again. */
  poke(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /**
   * Resolves `true` as soon as `condition()` holds, `false` when `deadline` (a `performance.now()` time) passes
   * or `signal` aborts first. The condition is checked now and on every poke.
   */
  until(condition: () => boolean, deadline: number, signal?: AbortSignal): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', abort);
        resolve(value);
      };
      const check = () => {
        if (condition()) finish(true);
      };
      const abort = () => finish(false);
      const timer = setTimeout(() => finish(condition()), Math.max(0, deadline - performance.now()));
      this.#waiters.add(check);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}

/** Waits `ms`; resolves false when `signal` aborted first. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve(true);
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
