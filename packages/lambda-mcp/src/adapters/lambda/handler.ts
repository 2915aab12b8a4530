// `toLambdaHandler`: wraps a web fetch handler as a buffered Lambda handler for API Gateway (REST and HTTP
// APIs), Function URLs and ALB, with a request signal that aborts shortly before the Lambda deadline.
import { createInvoke, type Delivery, type HttpExchange, type InvokeOptions } from './invoke.js';
import type { FetchHandler, LambdaContextLike, LambdaHttpHandler, LambdaHttpResult } from './types.js';

export type { LambdaHttpHandler };

/** Options of `toLambdaHandler`. */
export type LambdaHandlerOptions = InvokeOptions;

/**
 * Wraps `app` as an async Lambda handler. Each invocation converts the event into a `Request` (whose
 * `signal` aborts `deadlineMarginMs` before the deadline, so streams can close cleanly), calls `app.fetch`,
 * reads the whole response body and returns the result shape matching the event. If `app.fetch` throws or
 * the body errors, the answer is a 500 with a JSON-RPC "Internal error" body.
 *
 * @throws {UnsupportedEventError} (rejects with it) for events that are not HTTP requests from API Gateway,
 *   a Function URL or an ALB, such as SQS, S3, WebSocket or direct invocations, unless `onOtherEvent` takes them.
 * @example
 * export const handler = toLambdaHandler(app);
 */
export function toLambdaHandler(app: FetchHandler, options: LambdaHandlerOptions = {}): LambdaHttpHandler {
  const invoke = createInvoke(app, options);
  const delivery: Delivery<LambdaHttpResult> = {
    other: (result) => result as LambdaHttpResult,
    http: answer,
  };
  return ((event: unknown, context?: LambdaContextLike) =>
    invoke(event, context, delivery)) as LambdaHttpHandler;
}

/** Reads the whole response (until the cutoff) into the event's result; a failure of app or body is a 500. */
async function answer({ event, deadline, request, fetch, fail }: HttpExchange): Promise<LambdaHttpResult> {
  const sent = request(deadline.signal);
  try {
    return await event.toResult(await fetch(sent), deadline.cutoff);
  } catch (error) {
    return await event.toResult(fail(error));
  }
}
