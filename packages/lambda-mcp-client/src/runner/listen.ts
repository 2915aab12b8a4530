// A 2026-07-28 `subscriptions/listen` for tool list changes as the streaming check watches it: the listen
// request in flight (acknowledged with a subscription, or failed), and the `notifications/tools/list_changed`
// that arrive, each wait bounded by a deadline.
import type { McpSubscription, Client as ModernClient } from '@modelcontextprotocol/client';
import { left } from './deadline.js';
import type { TestContext } from './types.js';
import { Watch } from './watch.js';

/** A listen request for `toolsListChanged` sent on construction, and what came of it so far. */
export class ToolChangesListen {
  /** The subscription, once the server acknowledged the listen request. */
  subscription: McpSubscription | undefined;
  /** Why the listen request failed, if it did. */
  error: unknown;
  /** `notifications/tools/list_changed` received so far. */
  changes = 0;
  /** `performance.now()` when the listen request was sent. */
  readonly sentAt: number;
  readonly #watch = new Watch();
  readonly #signal: AbortSignal;

  constructor(client: ModernClient, ctx: TestContext, deadline: number) {
    this.#signal = ctx.signal;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      this.changes++;
      this.#watch.poke();
    });
    this.sentAt = performance.now();
    void client.listen({ toolsListChanged: true }, { signal: ctx.signal, timeout: left(deadline) }).then(
      (subscription) => {
        this.subscription = subscription;
        ctx.defer(() => subscription.close());
        this.#watch.poke();
      },
      (error: unknown) => {
        this.error = error ?? new Error('listen failed');
        this.#watch.poke();
      },
    );
  }

  /** Resolves true once the listen request was acknowledged or failed, false at `deadline`. */
  settled(deadline: number): Promise<boolean> {
    return this.#watch.until(
      () => this.subscription !== undefined || this.error !== undefined,
      deadline,
      this.#signal,
    );
  }

  /** Resolves true once a tool list change arrived, false at `deadline`. */
  changed(deadline: number): Promise<boolean> {
    return this.#watch.until(() => this.changes > 0, deadline, this.#signal);
  }
}
