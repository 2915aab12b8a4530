// Facts about this instance (one Lambda execution environment, or one local process): its id, when it
// started, how many requests it has served, and whether the current one is its first (a cold start).
import { randomUUID } from 'node:crypto';

/** Live counters of this instance. */
export class InstanceStats {
  readonly instanceId = randomUUID();
  readonly startedAt = Date.now();
  #served = 0;

  /** Counts a request as it starts. */
  begin(): void {
    this.#served++;
  }

  /** Requests served so far, the current one included. */
  get invocations(): number {
    return this.#served;
  }

  /** Whether the current request is the first this instance serves. */
  get coldStart(): boolean {
    return this.#served <= 1;
  }

  /** Milliseconds since the instance started. */
  uptimeMs(now = Date.now()): number {
    return now - this.startedAt;
  }
}
