// The `lambda-mcp/lambda` entry point: run any web fetch handler (the lambda-mcp core included) on AWS Lambda
// behind API Gateway REST or HTTP APIs, Lambda Function URLs or an Application Load Balancer, in buffered mode.

export { UnsupportedEventError } from '../../errors.js';
export { alb } from './alb.js';
export { apiGatewayV1 } from './api-gateway-v1.js';
export { apiGatewayV2 } from './api-gateway-v2.js';
export { encodeBody, isTextContentType, readBody, toRequestBody } from './body.js';
export { type Deadline, startDeadline } from './deadline.js';
export { type DetectedEvent, detectEvent } from './detect.js';
export { type LambdaHandlerOptions, type LambdaHttpHandler, toLambdaHandler } from './handler.js';
export {
  type AwsLambdaRuntime,
  type HttpResponseMetadata,
  type LambdaResponseStream,
  type StreamingLambdaHandler,
  type StreamingLambdaHandlerOptions,
  toStreamingLambdaHandler,
} from './streaming.js';
export type {
  EventProcessor,
  FetchHandler,
  LambdaContextLike,
  LambdaEventKind,
  LambdaHttpEvent,
  LambdaHttpResult,
} from './types.js';
