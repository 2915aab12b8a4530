// Picks the processor for an incoming event by its shape, and refuses events that are not HTTP requests
// (SQS, S3, WebSocket, direct invocations...) with an error that says what was received.

import { UnsupportedEventError } from '../../errors.js';
import { alb } from './alb.js';
import { apiGatewayV1 } from './api-gateway-v1.js';
import { apiGatewayV2 } from './api-gateway-v2.js';
import type { EventProcessor, LambdaEventKind, LambdaHttpResult } from './types.js';

/** One event paired with the processor for its shape. */
export interface DetectedEvent {
  readonly kind: LambdaEventKind;
  /** The web request the event describes; `signal` becomes `request.signal`. */
  toRequest(signal?: AbortSignal): Request;
  /** The buffered result for this event; reading the body stops early if `stop` aborts. */
  toResult(response: Response, stop?: AbortSignal): Promise<LambdaHttpResult>;
}

/**
 * Detects the shape of `event`: payload 2.0 (HTTP API, Function URL), ALB, then REST API.
 *
 * @throws {UnsupportedEventError} when the event is not one of those HTTP events.
 */
export function detectEvent(event: unknown): DetectedEvent {
  if (apiGatewayV2.matches(event)) return pair(apiGatewayV2, event);
  if (alb.matches(event)) return pair(alb, event);
  if (apiGatewayV1.matches(event)) return pair(apiGatewayV1, event);
  throw new UnsupportedEventError(event);
}

function pair<E, R extends LambdaHttpResult>(processor: EventProcessor<E, R>, event: E): DetectedEvent {
  return {
    kind: processor.kind,
    toRequest: (signal) => processor.toRequest(event, signal),
    toResult: (response, stop) => processor.toResult(response, event, stop),
  };
}
