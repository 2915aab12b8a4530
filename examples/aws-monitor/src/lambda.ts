// The reference server's AWS Lambda entry points, one bundle, two handlers:
// - `handler`, buffered (API Gateway HTTP/REST APIs, ALB, a BUFFERED Function URL): GET streams replay the
//   event logs and close with `retry:`, so clients poll; `subscriptions/listen` is held LISTEN_WINDOW_MS.
// - `streamingHandler`, response streaming (a Function URL with InvokeMode RESPONSE_STREAM, API Gateway REST
//   response streaming): live SSE until the request ends or shortly before the invocation's deadline.
// Both also take SNS notification events (the topic's subscription) and publish each message once to every
// instance's streams, and task worker events (TASK_RUNNER=lambda-async: the buffered function invokes itself to
// run a task past the request); the streaming handler keeps in-process task runs going after its answer. Configuration and stores come from the environment (see README); start-up fails with
// a clear message when MCP_REQUEST_STATE_KEY is missing or a setting is invalid. Each invocation is traced,
// logged and counted through Powertools (see observability.ts), its metrics flushed before it returns.
import { isSnsEvent, isTaskWorkerEvent, type LambdaMcpOptions, optionsFromEnv } from 'lambda-mcp';
import {
  type LambdaContextLike,
  toLambdaHandler,
  toStreamingLambdaHandler,
  UnsupportedEventError,
} from 'lambda-mcp/lambda';
import { type AwsMonitorApp, buildAwsMonitor } from './app.js';

const log = (level: string, message: string) => console.error(JSON.stringify({ level, message }));

const built = new Map<'poll' | 'live', Promise<AwsMonitorApp>>();
/** The reference server for one SSE mode, built once per instance and reused by every invocation. */
function appFor(sse: 'poll' | 'live'): Promise<AwsMonitorApp> {
  let app = built.get(sse);
  if (!app) {
    app = buildAwsMonitor(withTaskClient({ sse, ...optionsFromEnv() }), process.env, (line) =>
      log('info', line),
    );
    built.set(sse, app);
  }
  return app;
}

/**
 * With TASK_RUNNER=lambda-async, hands the runner the AWS SDK's Lambda client bundled here (the library would
 * otherwise import the runtime's copy), loaded when the first task starts, never at init.
 */
function withTaskClient(options: LambdaMcpOptions): LambdaMcpOptions {
  if (options.tasks?.runner !== 'lambda-async' || options.tasks.lambdaClient) return options;
  return { ...options, tasks: { ...options.tasks, loadLambdaSdk: () => import('@aws-sdk/client-lambda') } };
}

// Build at init (cold start) the app the function's configured handler uses; Lambda names it in _HANDLER.
const streamingFunction = process.env._HANDLER?.endsWith('.streamingHandler') ?? false;

/** The app the configured handler serves, for tests and custom adapters. */
export const app = await appFor(streamingFunction ? 'live' : 'poll');

/** The MCP core of {@link app}. */
export const mcp = app.handler;

/** Time kept back from a task run for writing its outcome before the function times out, in ms. */
const TASK_DEADLINE_MARGIN_MS = 2000;

/**
 * Runs the task a worker event names, or publishes an SNS event's messages; any other non-HTTP event is refused
 * with a clear error.
 */
async function onOtherEvent(target: AwsMonitorApp, event: unknown, context?: LambdaContextLike) {
  if (isTaskWorkerEvent(event)) {
    const remaining = context?.getRemainingTimeInMillis?.();
    await target.handler.runTaskWorker(
      event,
      remaining === undefined ? undefined : Date.now() + remaining - TASK_DEADLINE_MARGIN_MS,
      context,
    );
    return { task: event.taskId };
  }
  if (!isSnsEvent(event)) throw new UnsupportedEventError(event);
  const result = await target.handler.ingestSns(event);
  for (const skipped of result.skipped) {
    target.observability.logger.warn('SNS message skipped', {
      messageId: skipped.messageId,
      reason: skipped.reason,
    });
  }
  target.observability.logger.info('SNS event ingested', {
    records: result.records,
    published: result.published.length,
    duplicates: result.duplicates.length,
    skipped: result.skipped.length,
  });
  return result;
}

/** Builds a handler once, on its first invocation (an instance usually serves only one of the two). */
function once<A extends unknown[], R>(make: () => Promise<(...args: A) => Promise<R>>) {
  let made: Promise<(...args: A) => Promise<R>> | undefined;
  return async (...args: A): Promise<R> => {
    made ??= make();
    return (await made)(...args);
  };
}

/** Any Lambda event in, the shape's result out. */
type AnyEventHandler = (event: unknown, context?: LambdaContextLike) => Promise<unknown>;

/** The buffered Lambda handler: one X-Ray subsegment per invocation, metrics flushed after each. */
export const handler: AnyEventHandler = once(async (): Promise<AnyEventHandler> => {
  const target = await appFor('poll');
  const buffered = toLambdaHandler(target.handler, {
    onError: (error) => target.observability.onerror(error),
    onOtherEvent: (event, context) => onOtherEvent(target, event, context),
  }) as AnyEventHandler;
  return target.observability.wrapLambdaHandler(buffered);
});

/** The live-SSE app, ready for a streaming invocation (the tracer loaded when X-Ray samples it). */
async function liveInvocation(): Promise<AwsMonitorApp> {
  const target = await appFor('live');
  await target.observability.prepareInvocation();
  return target;
}

/**
 * The response-streaming Lambda handler. `awslambda.streamifyResponse` must wrap the exported function
 * itself, so it is made at load; the app behind it is the live-SSE one, built at init when _HANDLER names
 * this export. Requests are logged, counted and traced through the core's `onrequest`.
 */
export const streamingHandler = toStreamingLambdaHandler(
  { fetch: async (request, extras) => (await liveInvocation()).handler.fetch(request, extras) },
  {
    onError: (error) => app.observability.onerror(error),
    onOtherEvent: async (event, context) => onOtherEvent(await liveInvocation(), event, context),
    // In-process task runs outlive the answer: the invocation lasts (and bills) until they settle.
    settle: async () => (await appFor('live')).handler.tasks.idle(),
  },
);
