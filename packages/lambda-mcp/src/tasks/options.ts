// The settings of the Tasks extension (`LambdaMcpOptions.tasks`) and their defaults, in one place so the
// runtime, the runners, the environment reader and the docs agree on them.
import type { LambdaSdk } from './lambda-runner.js';
import type { TaskRunner } from './runner.js';
import type { TaskStore } from './types.js';

/** Options of the Tasks extension on the modern leg; every one has a default fit for a local run. */
export interface TaskOptions {
  /** Where task records live. Default: this process's memory. Give every instance the DynamoDB store. */
  store?: TaskStore;
  /**
   * Where a task's tool runs after its `CreateTaskResult` is sent: `in-process` (default; the local server
   * and Lambda response streaming) or `lambda-async` (the function invokes itself with a worker event), or
   * a runner of your own.
   */
  runner?: 'in-process' | 'lambda-async' | TaskRunner;
  /** How often a running task writes its heartbeat (and sees a cancellation), in ms. Default 10000. */
  heartbeatMs?: number;
  /** How long a task is kept from its creation, in ms, unless its tool sets its own. Default 1 hour. */
  ttlMs?: number;
  /** The poll interval suggested to clients, in ms, unless the tool sets its own. Default 1000. */
  pollIntervalMs?: number;
  /** With `lambda-async`: the function to invoke. Default: `AWS_LAMBDA_FUNCTION_NAME`. */
  functionName?: string;
  /** With `lambda-async`: the Lambda client (an `@aws-sdk/client-lambda` `LambdaClient`). Default: a new one. */
  lambdaClient?: { send(command: unknown): Promise<unknown> };
  /**
   * With `lambda-async`: loads `@aws-sdk/client-lambda` when the first task starts, e.g. `() =>
   * import('@aws-sdk/client-lambda')` so a bundle carries its own copy. Default: the package as installed (on
   * Lambda, the runtime's).
   */
  loadLambdaSdk?: () => Promise<LambdaSdk>;
}

/** The defaults of {@link TaskOptions}. */
export const TASK_DEFAULTS = {
  heartbeatMs: 10_000,
  /** A running task with no heartbeat for this many intervals is reported `failed`. */
  leaseIntervals: 3,
  ttlMs: 3_600_000,
  pollIntervalMs: 1000,
} as const;

/** {@link TaskOptions} with the numbers set. */
export interface ResolvedTaskOptions extends TaskOptions {
  heartbeatMs: number;
  leaseMs: number;
  ttlMs: number;
  pollIntervalMs: number;
}

/**
 * Applies the defaults of {@link TaskOptions}.
 *
 * @example
 * resolveTaskOptions({ heartbeatMs: 200 }).leaseMs; // 600
 */
export function resolveTaskOptions(options: TaskOptions = {}): ResolvedTaskOptions {
  const heartbeatMs = options.heartbeatMs ?? TASK_DEFAULTS.heartbeatMs;
  if (!(heartbeatMs > 0)) throw new RangeError(`heartbeatMs must be positive; got ${heartbeatMs}`);
  return {
    ...options,
    heartbeatMs,
    leaseMs: heartbeatMs * TASK_DEFAULTS.leaseIntervals,
    ttlMs: options.ttlMs ?? TASK_DEFAULTS.ttlMs,
    pollIntervalMs: options.pollIntervalMs ?? TASK_DEFAULTS.pollIntervalMs,
  };
}
