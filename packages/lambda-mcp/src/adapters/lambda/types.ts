// Shared types of the Lambda adapter: the web handler it wraps, the HTTP events it accepts, the buffered
// results (and handler) it returns, and the contract each per-event-shape processor fulfils.
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { FetchHandler, LambdaContextLike } from '../../invocation.js';

export type { FetchHandler, LambdaContextLike };

/** The HTTP events the adapter understands (Function URLs share the HTTP API 2.0 shape). */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;

/** The buffered results the adapter answers with, one per event shape. */
export type LambdaHttpResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/** A buffered Lambda handler whose result type follows the event type. */
export interface LambdaHttpHandler {
  (event: APIGatewayProxyEventV2, context?: LambdaContextLike): Promise<APIGatewayProxyStructuredResultV2>;
  (event: ALBEvent, context?: LambdaContextLike): Promise<ALBResult>;
  (event: APIGatewayProxyEvent, context?: LambdaContextLike): Promise<APIGatewayProxyResult>;
  (event: LambdaHttpEvent, context?: LambdaContextLike): Promise<LambdaHttpResult>;
}

/** The name of each event shape, as reported by `detectEvent`. */
export type LambdaEventKind = 'api-gateway-v1' | 'api-gateway-v2' | 'alb';

/** Converts one event shape into a `Request`, and a `Response` into that shape's result. */
export interface EventProcessor<E, R> {
  readonly kind: LambdaEventKind;
  /** True when `event` has this processor's shape. */
  matches(event: unknown): event is E;
  /** The web request the event describes; `signal` becomes `request.signal`. */
  toRequest(event: E, signal?: AbortSignal): Request;
  /** Reads the whole response body (or until `stop` aborts) and builds the result for `event`. */
  toResult(response: Response, event: E, stop?: AbortSignal): Promise<R>;
}
