// The adapter's side of the Lambda response stream: noticing when the stream goes away, writes and an end that
// honour backpressure, and copying a response body into the stream until it ends, breaks or is cut off.
import { StreamCutOffError } from '../../errors.js';

/**
 * The response stream the Lambda Node.js runtime passes to a streaming handler: a Node `Writable` (the
 * runtime hands over a facade of its HTTP request to the Runtime API with the Writable methods, events and
 * properties). Only the parts the adapter uses are listed.
 */
export interface LambdaResponseStream {
  /** Writes a chunk; `false` means wait for `'drain'`. The first write sends the HTTP prelude, if any. */
  write(chunk: string | Uint8Array): boolean;
  /**
   * Ends the stream; `callback` runs once everything is flushed. The runtime's `end` takes a callback only:
   * a chunk given to it would bypass the prelude, so the adapter never passes one.
   */
  end(callback?: () => void): unknown;
  on(event: 'close' | 'drain' | 'finish', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'close' | 'drain' | 'finish', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

/** The adapter's view of the response stream: whether it is gone, and writes that honour backpressure. */
export interface StreamWatch {
  /** True once the stream closed or errored (from outside, or after the adapter ended it). */
  readonly gone: boolean;
  /** Runs `callback` (once) when the stream goes away; returns a function that unregisters it. */
  onGone(callback: () => void): () => void;
  /** Writes `chunk`, then waits for `'drain'` if the stream asks to (or until it goes, or `stop` aborts). */
  write(chunk: string | Uint8Array, stream?: LambdaResponseStream, stop?: AbortSignal): Promise<void>;
  /** Ends the stream and waits until it is flushed (or gone). */
  end(stream?: LambdaResponseStream): Promise<void>;
  /** Releases any write waiting for `'drain'`. */
  wake(): void;
  dispose(): void;
}

/** The reason given when the response stream closes or errors before the response ended. */
export function streamClosedError(): DOMException {
  return new DOMException('The response stream closed before the response ended', 'AbortError');
}

/** Starts watching `responseStream`; `dispose()` removes the listeners. */
export function watchStream(responseStream: LambdaResponseStream): StreamWatch {
  let gone = responseStream.destroyed === true;
  const goneCallbacks = new Set<() => void>();
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const onGone = () => {
    if (gone) return;
    gone = true;
    for (const callback of [...goneCallbacks]) callback();
    goneCallbacks.clear();
    wake();
  };
  // The error listener also keeps an `'error'` with no other listener from being thrown.
  const onError = () => onGone();
  responseStream.on('close', onGone);
  responseStream.on('error', onError);

  return {
    get gone() {
      return gone;
    },
    onGone(callback) {
      if (gone) {
        callback();
        return () => {};
      }
      goneCallbacks.add(callback);
      return () => goneCallbacks.delete(callback);
    },
    async write(chunk, stream = responseStream, stop) {
      if (gone || stream.write(chunk) || gone || stop?.aborted) return;
      await new Promise<void>((resolve) => {
        const release = () => {
          stream.off('drain', release);
          stop?.removeEventListener('abort', release);
          waiters.delete(release);
          resolve();
        };
        stream.on('drain', release);
        stop?.addEventListener('abort', release, { once: true });
        waiters.add(release);
      });
    },
    async end(stream = responseStream) {
      if (gone || stream.writableEnded) return;
      await new Promise<void>((resolve) => {
        const release = () => {
          waiters.delete(release);
          resolve();
        };
        waiters.add(release);
        stream.end(release);
      });
    },
    wake,
    dispose() {
      responseStream.off('close', onGone);
      responseStream.off('error', onError);
      goneCallbacks.clear();
    },
  };
}

/**
 * Copies `body` to the stream chunk by chunk until it ends, the stream goes away or `cutoff` aborts (the body
 * is then cancelled). An error of the body goes to `onError`; the caller ends the stream.
 */
export async function pump(
  body: ReadableStream<Uint8Array>,
  sink: StreamWatch,
  stream: LambdaResponseStream,
  cutoff: AbortSignal,
  onError: (error: unknown) => void,
): Promise<void> {
  const reader = body.getReader();
  const stop = (reason: unknown) => {
    reader.cancel(reason).catch(() => {});
    sink.wake();
  };
  const onCutoff = () => stop(cutoff.reason);
  const stopOnGone = sink.onGone(() => stop(streamClosedError()));
  if (cutoff.aborted) onCutoff();
  else cutoff.addEventListener('abort', onCutoff, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await sink.write(value, stream, cutoff);
      if (sink.gone || cutoff.aborted) {
        reader.cancel(cutoff.reason).catch(() => {});
        return;
      }
    }
  } catch (error) {
    // A reader cut off for falling behind resumes with Last-Event-ID: the stream just ends.
    if (!(error instanceof StreamCutOffError)) onError(error);
  } finally {
    cutoff.removeEventListener('abort', onCutoff);
    stopOnGone();
  }
}
