// The `lambda-mcp/lambda` entry point: run any web fetch handler (the lambda-mcp core included) on AWS Lambda
// behind API Gateway REST or HTTP APIs, Lambda Function URLs or an Application Load Balancer, buffered or
// with response streaming. The per-event-shape processors, body and deadline helpers stay internal.

export { InvocationDeadlineError, UnsupportedEventError } from '../../errors.js';
// Types: the buffered handler and its options.
export type { LambdaHandlerOptions, LambdaHttpHandler } from './handler.js';
export { toLambdaHandler } from './handler.js';
// Types: the streaming handler, its options, and the runtime pieces they name.
export type {
  AwsLambdaRuntime,
  HttpResponseMetadata,
  LambdaResponseStream,
  StreamingLambdaHandler,
  StreamingLambdaHandlerOptions,
} from './streaming.js';
export { toStreamingLambdaHandler } from './streaming.js';
// Types: the app both wrap, the Lambda context they pass it, and the HTTP events and results they handle.
export type { FetchHandler, LambdaContextLike, LambdaHttpEvent, LambdaHttpResult } from './types.js';
