// The one invoke path of the Lambda adapter, shared by the buffered and the streaming handler: detect the event
// shape (or hand other events to `onOtherEvent`), start the deadline, hold each Request while it is in flight,
// and turn an app failure into the 500 answer. The handlers only deliver what comes out.
import { InvocationDeadlineError, UnsupportedEventError } from '../../errors.js';
import { INTERNAL_ERROR_BODY, jsonRpcErrorResponse, RpcCode } from '../../http/responses.js';
import { type Deadline, startDeadline } from './deadline.js';
import { type DetectedEvent, detectEvent } from './detect.js';
import type { FetchHandler, LambdaContextLike } from './types.js';

/** The options `toLambdaHandler` and `toStreamingLambdaHandler` share. */
export interface InvokeOptions {
  /**
   * How long before the Lambda deadline `request.signal` aborts, in milliseconds (default 1000). Half of it
   * later, a body still open is cancelled: the buffered handler builds its result from what was read, the
   * streaming handler ends the stream with what was sent.
   */
  deadlineMarginMs?: number;
  /**
   * Called with anything `app.fetch` throws, before a 500 is answered, and with any error of the response
   * body: the buffered handler then answers 500 too, the streaming handler (its status already sent) ends
   * the stream (default `console.error`).
   */
  onError?: (error: unknown) => void;
  /**
   * Handles events that are not HTTP requests (an SNS notification, a direct invoke...) instead of rejecting
   * them with `UnsupportedEventError`. Its result is the invocation's result; the streaming handler writes it
   * to the stream as JSON, with no HTTP prelude.
   */
  onOtherEvent?: (event: unknown, context?: LambdaContextLike) => Promise<unknown>;
}

/** One HTTP invocation, as the invoke path hands it to a handler's delivery. */
export interface HttpExchange {
  /** The event, paired with the processor for its shape. */
  readonly event: DetectedEvent;
  /** This invocation's deadline signals; disposed when the delivery settles. */
  readonly deadline: Deadline;
  /** `onError` as configured, for failures a delivery reports itself (a body erroring mid-stream). */
  readonly onError: (error: unknown) => void;
  /**
   * Builds the event's `Request` with `signal` as `request.signal`, and holds it until the invocation ends.
   * Throws whatever building throws (a malformed URL, say): the invocation then rejects with it.
   */
  request(signal: AbortSignal): Request;
  /**
   * Calls `app.fetch` with `request` and, when there is one, the Lambda context. Resolves a 503 when
   * `deadline.signal` aborts first (see {@link answerBeforeDeadline}).
   */
  fetch(request: Request): Promise<Response>;
  /** Reports `error` to `onError` and returns the 500 response with a JSON-RPC "Internal error" body. */
  fail(error: unknown): Response;
}

/** How a handler answers: with `onOtherEvent`'s result for other events, or by serving the HTTP exchange. */
export interface Delivery<T> {
  other(result: unknown): T | Promise<T>;
  http(exchange: HttpExchange): Promise<T>;
}

/** Runs one invocation of `event` and answers it through `delivery`. */
export type Invoke = <T>(
  event: unknown,
  context: LambdaContextLike | undefined,
  delivery: Delivery<T>,
) => Promise<T>;

// undici's `request.signal` stops following the signal the Request was built with once the Request object
// is garbage collected (nodejs/node#55428), and apps often keep only `request.signal`: so each Request is
// held here until its invocation ends.
const inFlight = new Set<Request>();

/**
 * The invoke path for `app` with `options`, resolved once per handler.
 *
 * @throws {UnsupportedEventError} (the invocation rejects with it) for events that are not HTTP requests,
 *   unless `onOtherEvent` is given.
 */
export function createInvoke(app: FetchHandler, options: InvokeOptions = {}): Invoke {
  const marginMs = options.deadlineMarginMs ?? 1000;
  const onError =
    options.onError ?? ((error: unknown) => console.error('lambda-mcp: app.fetch failed', error));
  const fail = (error: unknown): Response => {
    onError(error);
    return new Response(INTERNAL_ERROR_BODY, {
      status: 500,
      headers: { 'content-type': 'application/json' },
    });
  };

  return async (event, context, delivery) => {
    let detected: DetectedEvent;
    try {
      detected = detectEvent(event);
    } catch (error) {
      if (!(error instanceof UnsupportedEventError) || !options.onOtherEvent) throw error;
      return await delivery.other(await options.onOtherEvent(event, context));
    }
    const deadline = startDeadline(context, marginMs);
    const held: Request[] = [];
    try {
      return await delivery.http({
        event: detected,
        deadline,
        onError,
        request(signal) {
          const request = detected.toRequest(signal);
          inFlight.add(request);
          held.push(request);
          return request;
        },
        fetch: (request) =>
          answerBeforeDeadline(
            app.fetch(request, context ? { lambdaContext: context } : undefined),
            deadline.signal,
            onError,
          ),
        fail,
      });
    } finally {
      for (const request of held) inFlight.delete(request);
      deadline.dispose();
    }
  };
}

/**
 * `answer`, unless the invocation's deadline signal aborts first: then a 503 with `Retry-After` and a JSON-RPC
 * error, so a request waiting on a slow store (whose own deadline may be longer than the time left) never runs
 * the function into its timeout. What the app still does is left to finish or fail on its own; a late
 * rejection is reported, not thrown. A response the app returned in time (an SSE stream, say) is untouched.
 */
function answerBeforeDeadline(
  answer: Promise<Response>,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): Promise<Response> {
  if (signal.aborted) return answer;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      answer.catch(onError);
      onError(
        new InvocationDeadlineError(
          'Answered 503: the Lambda invocation was about to time out before the app answered',
          { cause: signal.reason },
        ),
      );
      resolve(
        jsonRpcErrorResponse(
          503,
          RpcCode.InternalError,
          'Service Unavailable: the request did not finish within the function timeout',
          { 'retry-after': '1' },
        ),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
