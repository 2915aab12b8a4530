// `toLambdaHandler`: wraps a web fetch handler as a buffered Lambda handler for API Gateway (REST and HTTP
// APIs), Function URLs and ALB, with a request signal that aborts shortly before the Lambda deadline.
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { UnsupportedEventError } from '../../errors.js';
import { INTERNAL_ERROR_BODY } from '../../http/responses.js';
import { startDeadline } from './deadline.js';
import { type DetectedEvent, detectEvent } from './detect.js';
import type { FetchHandler, LambdaContextLike, LambdaHttpEvent, LambdaHttpResult } from './types.js';

/** Options of `toLambdaHandler`. */
export interface LambdaHandlerOptions {
  /**
   * How long before the Lambda deadline `request.signal` aborts, in milliseconds (default 1000). Half of it
   * later, a body still open is cancelled and the result is built from what was read.
   */
  deadlineMarginMs?: number;
  /**
   * Called with anything `app.fetch` throws, or its response body errors with, before the adapter answers
   * 500 (default `console.error`).
   */
  onError?: (error: unknown) => void;
  /**
   * Handles events that are not HTTP requests (an SNS notification, say) instead of rejecting them with
   * `UnsupportedEventError`; its result is the invocation's result.
   */
  onOtherEvent?: (event: unknown, context?: LambdaContextLike) => Promise<unknown>;
}

/** A Lambda handler whose result type follows the event type. */
export interface LambdaHttpHandler {
  (event: APIGatewayProxyEventV2, context?: LambdaContextLike): Promise<APIGatewayProxyStructuredResultV2>;
  (event: ALBEvent, context?: LambdaContextLike): Promise<ALBResult>;
  (event: APIGatewayProxyEvent, context?: LambdaContextLike): Promise<APIGatewayProxyResult>;
  (event: LambdaHttpEvent, context?: LambdaContextLike): Promise<LambdaHttpResult>;
}

// undici's `request.signal` stops following the signal the Request was built with once the Request object
// is garbage collected (nodejs/node#55428), and apps often keep only `request.signal`: so each Request is
// held here until its invocation ends.
const inFlight = new Set<Request>();

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
  const marginMs = options.deadlineMarginMs ?? 1000;
  const onError =
    options.onError ?? ((error: unknown) => console.error('lambda-mcp: app.fetch failed', error));

  const handler = async (event: unknown, context?: LambdaContextLike): Promise<LambdaHttpResult> => {
    let detected: DetectedEvent;
    try {
      detected = detectEvent(event);
    } catch (error) {
      if (!(error instanceof UnsupportedEventError) || !options.onOtherEvent) throw error;
      return (await options.onOtherEvent(event, context)) as LambdaHttpResult;
    }
    const deadline = startDeadline(context, marginMs);
    let request: Request | undefined;
    try {
      request = detected.toRequest(deadline.signal);
      inFlight.add(request);
      try {
        return await detected.toResult(
          await app.fetch(request, context ? { lambdaContext: context } : undefined),
          deadline.cutoff,
        );
      } catch (error) {
        onError(error);
        const failure = new Response(INTERNAL_ERROR_BODY, {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
        return await detected.toResult(failure);
      }
    } finally {
      if (request) inFlight.delete(request);
      deadline.dispose();
    }
  };
  return handler as LambdaHttpHandler;
}
