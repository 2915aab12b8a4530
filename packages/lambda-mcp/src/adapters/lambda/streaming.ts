// `toStreamingLambdaHandler`: wraps a web fetch handler as a Lambda *response streaming* handler, so SSE
// reaches the client as it is written, through a Function URL (`InvokeMode: RESPONSE_STREAM`) or an API
// Gateway REST API whose Lambda proxy integration uses the streaming response transfer mode.
import { LambdaMcpError } from '../../errors.js';
import { createInvoke, type HttpExchange, type InvokeOptions } from './invoke.js';
import { type LambdaResponseStream, pump, streamClosedError, watchStream } from './response-stream.js';
import type { FetchHandler, LambdaContextLike } from './types.js';

export type { LambdaResponseStream };

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
export interface StreamingLambdaHandlerOptions extends InvokeOptions {
  /** The runtime's `awslambda` object (default: the global the Lambda Node.js runtime sets); for tests. */
  runtime?: AwsLambdaRuntime;
  /**
   * Awaited after the response stream has ended, before the invocation ends: work that outlives the answer
   * keeps running (and billing) until it settles, within the function timeout. The in-process task runner
   * needs it: `settle: () => handler.tasks.idle()`.
   */
  settle?: () => Promise<void>;
}

const NO_RUNTIME_MESSAGE =
  'lambda-mcp: toStreamingLambdaHandler needs the `awslambda` global, which exists only in the AWS Lambda ' +
  'Node.js runtime. Outside Lambda (tests, local invoke scripts) call the handler made by toLambdaHandler ' +
  'instead, or pass `runtime` to toStreamingLambdaHandler.';

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
  const invoke = createInvoke(app, options);
  const handler: StreamingLambdaHandler = (event, responseStream, context) =>
    invoke(event, context, {
      other: (result) => writeJson(responseStream, result),
      http: async (exchange) => {
        await streamHttp(runtime, responseStream, exchange);
        // tasks: the in-process runner's tools keep running after the answer, within this invocation
        await options.settle?.();
      },
    });
  return runtime.streamifyResponse(handler);
}

/** Writes `onOtherEvent`'s result as JSON (`null` for none), with no HTTP prelude, and ends the stream. */
async function writeJson(responseStream: LambdaResponseStream, result: unknown): Promise<void> {
  const sink = watchStream(responseStream);
  try {
    await sink.write(JSON.stringify(result ?? null));
    await sink.end();
  } finally {
    sink.dispose();
  }
}

/**
 * Serves one HTTP exchange: `request.signal` follows the deadline and also aborts when the stream goes away
 * before the response is done; the prelude goes out as soon as the app answers, then the body as it comes.
 */
async function streamHttp(
  runtime: AwsLambdaRuntime,
  responseStream: LambdaResponseStream,
  { deadline, onError, request, fetch, fail }: HttpExchange,
): Promise<void> {
  const sink = watchStream(responseStream);
  const controller = new AbortController();
  let done = false;
  const abort = (reason: unknown) => {
    if (!done && !controller.signal.aborted) controller.abort(reason);
  };
  const onDeadline = () => abort(deadline.signal.reason);
  deadline.signal.addEventListener('abort', onDeadline, { once: true });
  // Registered first, so the app's signal aborts before its body is cancelled.
  sink.onGone(() => abort(streamClosedError()));

  try {
    const sent = request(controller.signal);
    let response: Response;
    try {
      response = await fetch(sent);
    } catch (error) {
      response = fail(error);
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
    deadline.signal.removeEventListener('abort', onDeadline);
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
