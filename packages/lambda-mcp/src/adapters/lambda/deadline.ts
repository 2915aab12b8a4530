// The Lambda deadline as abort signals: one that tells the app to wrap up (passed as `request.signal`) a
// margin before the function would time out, and a later one that stops reading a body that never ends.
import type { LambdaContextLike } from './types.js';

/** The two deadline signals of one invocation, and `dispose()` to clear their timers. */
export interface Deadline {
  /** Aborts `marginMs` before the deadline: the app should close its streams. */
  readonly signal: AbortSignal;
  /** Aborts `marginMs / 2` before the deadline: the adapter stops reading and answers with what it has. */
  readonly cutoff: AbortSignal;
  dispose(): void;
}

/**
 * Starts the deadline timers from `context.getRemainingTimeInMillis()`. Without that function (local calls,
 * tests) neither signal ever aborts.
 */
export function startDeadline(context: LambdaContextLike | undefined, marginMs: number): Deadline {
  const signal = new AbortController();
  const cutoff = new AbortController();
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) {
    return { signal: signal.signal, cutoff: cutoff.signal, dispose: () => {} };
  }
  const timers = [
    later(remaining - marginMs, () => signal.abort(timeoutError('The Lambda deadline is near'))),
    later(remaining - marginMs / 2, () => cutoff.abort(timeoutError('The Lambda deadline is reached'))),
  ];
  return {
    signal: signal.signal,
    cutoff: cutoff.signal,
    dispose: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

function later(delayMs: number, run: () => void): NodeJS.Timeout {
  const timer = setTimeout(run, Math.max(0, delayMs));
  timer.unref();
  return timer;
}

function timeoutError(message: string): DOMException {
  return new DOMException(message, 'TimeoutError');
}
