// `toStreamingLambdaHandler`: wraps a web fetch handler as a Lambda *response streaming* handler, so SSE
// reaches the client as it is written, through a Function URL (`InvokeMode: RESPONSE_STREAM`) or an API
// Gateway REST API whose Lambda proxy integration uses the streaming response transfer mode.
import { LambdaMcpError, UnsupportedEventError } from '../../errors.js';
import { INTERNAL_ERROR_BODY } from '../../http/responses.js';
import { startDeadline } from './deadline.js';
import { type DetectedEvent, detectEvent } from './detect.js';
import type { FetchHandler, LambdaContextLike } from './types.js';

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

/**
 * The HTTP metadata written before the body, as content type
 * `application/vnd.awslambda.http-integration-response`: the JSON, then 8 NUL bytes, then the body. Function
 * URLs and API Gateway's streaming Lambda proxy integration (REST APIs) read the same format.
 */
export interface HttpResponseMetadata {
  statusCode: number;
  /** One value per name; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Each `Set-Cookie` value, in order. */
  cookies: string[];
}

/** A handler as `awslambda.streamifyResponse` takes it; the runtime calls it with the response stream. */
export type StreamingLambdaHandler = (
  event: unknown,
  responseStream: LambdaResponseStream,
  context?: LambdaContextLike,
) => Promise<void>;

/** The parts of the runtime's `awslambda` global the adapter uses. */
export interface AwsLambdaRuntime {
  /** Marks `handler` as a streaming handler (the runtime then passes it the response stream). */
  streamifyResponse(
    handler: StreamingLambdaHandler,
    options?: { highWaterMark?: number },
  ): StreamingLambdaHandler;
  HttpResponseStream: {
    /**
     * Sets the stream's content type to the HTTP integration response type and arranges for the JSON prelude
     * and its 8-NUL delimiter to be written just before the first `write`; returns the same stream.
     */
    from(stream: LambdaResponseStream, prelude: HttpResponseMetadata): LambdaResponseStream;
  };
}

/** Options of `toStreamingLambdaHandler`. */
export interface StreamingLambdaHandlerOptions {
  /**
   * How long before the Lambda deadline `request.signal` aborts, in milliseconds (default 1000). Half of it
   * later, a body still open is cancelled and the stream ended with what was sent.
   */
  deadlineMarginMs?: number;
  /**
   * Called with anything `app.fetch` throws (before a 500 is written) or the response body errors with
   * (the stream is then ended) (default `console.error`).
   */
  onError?: (error: unknown) => void;
  /**
   * Handles events that are not HTTP requests (SNS, a direct invoke...); its result is written to the stream
   * as JSON, with no HTTP prelude. Without it such events reject with `UnsupportedEventError`.
   */
  onOtherEvent?: (event: unknown, context?: LambdaContextLike) => Promise<unknown>;
  /** The runtime's `awslambda` object (default: the global the Lambda Node.js runtime sets); for tests. */
  runtime?: AwsLambdaRuntime;
}

const NO_RUNTIME_MESSAGE =
  'lambda-mcp: toStreamingLambdaHandler needs the `awslambda` global, which exists only in the AWS Lambda ' +
  'Node.js runtime. Outside Lambda (tests, local invoke scripts) call the handler made by toLambdaHandler ' +
  'instead, or pass `runtime` to toStreamingLambdaHandler.';

// undici's `request.signal` stops following the signal the Request was built with once the Request object
// is garbage collected (nodejs/node#55428), and apps often keep only `request.signal`: so each Request is
// held here until its invocation ends (as the buffered adapter does).
const inFlight = new Set<Request>();

/**
 * Wraps `app` as a Lambda response streaming handler, marked with `awslambda.streamifyResponse`. Each HTTP
 * invocation (payload 2.0 from a Function URL, payload 1.0 from an API Gateway REST API; the ALB shape is
 * accepted too) becomes a `Request` whose `signal` aborts `deadlineMarginMs` before the deadline, and also
 * when the response stream closes or errors before the response is done, so the app stops its work. The
 * status, headers and cookies go out first as the runtime's HTTP prelude (`HttpResponseStream.from`:
 * Function URLs and API Gateway REST streaming read the same format), then each body chunk as soon as the
 * app produces it, with backpressure; the stream ends when the body ends. If `app.fetch` throws, the answer
 * is a 500 with a JSON-RPC "Internal error" body; if the body errors later, the stream is ended (the status
 * is already sent).
 *
 * A streamed response may run up to the function's timeout (at most 15 minutes) and carry up to 200 MB
 * (a soft limit; past the first 6 MB the rate is capped). Set the function's `InvokeMode` to
 * `RESPONSE_STREAM` (Function URL) or the integration's response transfer mode to `STREAM` (REST API).
 * HTTP APIs and ALB invoke functions without streaming and would receive the prelude bytes as the payload:
 * serve them with `toLambdaHandler`.
 *
 * Outside the Lambda runtime (no `awslambda` global) creating the handler does not throw, so one module can
 * export both a buffered and a streaming handler; calling it rejects with a `LambdaMcpError`.
 *
 * @throws {UnsupportedEventError} (rejects with it) for events that are not HTTP requests, unless
 *   `onOtherEvent` is given.
 * @example
 * export const handler = toStreamingLambdaHandler(app);
 */
export function toStreamingLambdaHandler(
  app: FetchHandler,
  options: StreamingLambdaHandlerOptions = {},
): StreamingLambdaHandler {
  const found =
    options.runtime ?? (globalThis as unknown as { awslambda?: Partial<AwsLambdaRuntime> }).awslambda;
  // Outside Lambda the global may still exist: @aws/lambda-invoke-store (under Powertools and the AWS SDK)
  // creates an empty `awslambda` object for its own store. Only the runtime's has `streamifyResponse`.
  if (typeof found?.streamifyResponse !== 'function' || !found.HttpResponseStream) {
    return async () => {
      throw new LambdaMcpError(NO_RUNTIME_MESSAGE);
    };
  }
  const runtime = found as AwsLambdaRuntime;
  const marginMs = options.deadlineMarginMs ?? 1000;
  const onError =
    options.onError ?? ((error: unknown) => console.error('lambda-mcp: app.fetch failed', error));

  const handler: StreamingLambdaHandler = async (event, responseStream, context) => {
    let detected: DetectedEvent;
    try {
      detected = detectEvent(event);
    } catch (error) {
      if (!(error instanceof UnsupportedEventError) || !options.onOtherEvent) throw error;
      const result = await options.onOtherEvent(event, context);
      const sink = watchStream(responseStream);
      try {
        await sink.write(JSON.stringify(result ?? null));
        await sink.end();
      } finally {
        sink.dispose();
      }
      return;
    }
    await serveHttp(app, runtime, detected, responseStream, context, marginMs, onError);
  };
  return runtime.streamifyResponse(handler);
}

async function serveHttp(
  app: FetchHandler,
  runtime: AwsLambdaRuntime,
  detected: DetectedEvent,
  responseStream: LambdaResponseStream,
  context: LambdaContextLike | undefined,
  marginMs: number,
  onError: (error: unknown) => void,
): Promise<void> {
  const sink = watchStream(responseStream);
  const deadline = startDeadline(context, marginMs);
  const controller = new AbortController();
  let done = false;
  const abort = (reason: unknown) => {
    if (!done && !controller.signal.aborted) controller.abort(reason);
  };
  const onDeadline = () => abort(deadline.signal.reason);
  deadline.signal.addEventListener('abort', onDeadline, { once: true });
  // Registered first, so the app's signal aborts before its body is cancelled.
  sink.onGone(() =>
    abort(new DOMException('The response stream closed before the response ended', 'AbortError')),
  );

  let request: Request | undefined;
  try {
    request = detected.toRequest(controller.signal);
    inFlight.add(request);
    let response: Response;
    try {
      response = await app.fetch(request, context ? { lambdaContext: context } : undefined);
    } catch (error) {
      onError(error);
      response = new Response(INTERNAL_ERROR_BODY, {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (sink.gone) {
      await response.body?.cancel(controller.signal.reason).catch(() => {});
      return;
    }
    const stream = runtime.HttpResponseStream.from(responseStream, httpMetadata(response));
    // The runtime writes the prelude on the first write, not on `end()`: an empty write sends it at once,
    // even for a response without a body.
    await sink.write('', stream);
    if (response.body) await pump(response.body, sink, stream, deadline.cutoff, onError);
    done = true;
    await sink.end(stream);
  } finally {
    done = true;
    if (request) inFlight.delete(request);
    deadline.signal.removeEventListener('abort', onDeadline);
    deadline.dispose();
    sink.dispose();
  }
}

/** Status, headers (repeated ones joined with `, `) and cookies, as the HTTP prelude carries them. */
function httpMetadata(response: Response): HttpResponseMetadata {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value;
  }
  return { statusCode: response.status, headers, cookies: response.headers.getSetCookie() };
}

/** Copies `body` to the stream chunk by chunk until it ends, the stream goes away or `cutoff` aborts. */
async function pump(
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
  const stopOnGone = sink.onGone(() =>
    stop(new DOMException('The response stream closed before the response ended', 'AbortError')),
  );
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
    onError(error);
  } finally {
    cutoff.removeEventListener('abort', onCutoff);
    stopOnGone();
  }
}

/** The adapter's view of the response stream: whether it is gone, and writes that honour backpressure. */
interface StreamWatch {
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

function watchStream(responseStream: LambdaResponseStream): StreamWatch {
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
