// The `lambda-async` TaskRunner: the buffered Lambda entry cannot keep working after it answers, so it
// invokes its own function asynchronously (`InvocationType: 'Event'`) with a worker event naming the task
// and the run; the same handler recognises that event (`isTaskWorkerEvent`) and runs the task to its end
// or its next input request within the function timeout. `@aws-sdk/client-lambda` is an optional peer
// dependency, imported on first use only.
import { ConfigError } from '../errors.js';
import type { TaskRun, TaskRunner } from './runner.js';

/** The event the worker invocation receives. */
export interface TaskWorkerEvent {
  'lambda-mcp': 'task-run';
  taskId: string;
  runId: string;
}

/** The optional peer the `lambda-async` runner invokes with, when no client is given. */
const LAMBDA_CLIENT_PACKAGE: string = '@aws-sdk/client-lambda';

/**
 * Whether a Lambda event is a task worker event (see {@link LambdaAsyncTaskRunner}).
 *
 * @example
 * if (isTaskWorkerEvent(event)) await handler.runTaskWorker(event, context);
 */
export function isTaskWorkerEvent(event: unknown): event is TaskWorkerEvent {
  const candidate = event as Partial<TaskWorkerEvent> | null;
  return (
    candidate?.['lambda-mcp'] === 'task-run' &&
    typeof candidate.taskId === 'string' &&
    typeof candidate.runId === 'string'
  );
}

/** A Lambda client: anything with the `send` of `@aws-sdk/client-lambda`'s `LambdaClient`. */
export interface LambdaClientLike {
  send(command: unknown): Promise<unknown>;
}

/**
 * The Lambda client the runner builds when given none: every Invoke has deadlines (1 s to connect, 3 s for the
 * answer, an error past it), so a stalled Lambda API fails the `tools/call` that starts the task in seconds,
 * not at the function's timeout. An asynchronous Invoke answers as soon as the event is queued.
 */
export const LAMBDA_CLIENT_CONFIG = {
  requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
} as const;

/**
 * The two exports of `@aws-sdk/client-lambda` the runner uses, so a host can hand over its own (bundled) copy,
 * loaded when the first task starts: `loadSdk: () => import('@aws-sdk/client-lambda')`.
 */
export interface LambdaSdk {
  InvokeCommand: new (input: {
    FunctionName: string;
    InvocationType: 'Event';
    Payload: Uint8Array;
  }) => unknown;
  LambdaClient: new (config: typeof LAMBDA_CLIENT_CONFIG) => LambdaClientLike;
}

/** Starts every task run as an asynchronous invocation of a Lambda function (by default this one). */
export class LambdaAsyncTaskRunner implements TaskRunner {
  readonly kind = 'lambda-async';
  readonly #functionName: string | undefined;
  #client: LambdaClientLike | undefined;
  readonly #loadSdk: () => Promise<LambdaSdk>;

  constructor(
    options: { functionName?: string; client?: LambdaClientLike; loadSdk?: () => Promise<LambdaSdk> } = {},
  ) {
    this.#functionName = options.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME;
    this.#client = options.client;
    // Named through a variable, so a bundler leaves the default import to run time instead of requiring the
    // package in every bundle of lambda-mcp (it is an optional peer; the Lambda runtime provides the SDK too).
    this.#loadSdk = options.loadSdk ?? (() => import(LAMBDA_CLIENT_PACKAGE) as Promise<LambdaSdk>);
  }

  async start(run: TaskRun): Promise<void> {
    if (!this.#functionName) {
      throw new ConfigError('TASK_RUNNER=lambda-async needs a function name (AWS_LAMBDA_FUNCTION_NAME)');
    }
    const { InvokeCommand, LambdaClient } = await this.#loadSdk();
    this.#client ??= new LambdaClient(LAMBDA_CLIENT_CONFIG);
    const event: TaskWorkerEvent = { 'lambda-mcp': 'task-run', taskId: run.taskId, runId: run.runId };
    await this.#client.send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  }

  /** Runs happen in other invocations: nothing to wait for here. */
  async idle(): Promise<void> {}
}
