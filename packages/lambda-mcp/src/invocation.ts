// What an adapter hands the core besides the web `Request`: the runtime's view of the invocation (the Lambda
// context). A leaf both the core and the adapters import, so neither depends on the other for it.
import type { Context } from 'aws-lambda';

/** The part of the Lambda `Context` lambda-mcp reads; every field optional so plain test doubles fit. */
export type LambdaContextLike = Partial<
  Pick<
    Context,
    | 'getRemainingTimeInMillis'
    | 'awsRequestId'
    | 'functionName'
    | 'functionVersion'
    | 'memoryLimitInMB'
    | 'logStreamName'
  >
>;

/** What an adapter passes along with the request. */
export interface FetchExtras {
  /** The Lambda invocation's context, when the request came through the Lambda adapter. */
  lambdaContext?: LambdaContextLike;
}

/** The lambda-mcp core, or any fetch app. */
export interface FetchHandler {
  fetch(request: Request, extras?: FetchExtras): Promise<Response>;
}
