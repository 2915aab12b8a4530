// The reference server's X-Ray tracing with the real Powertools tracer and X-Ray SDK in their Lambda mode
// (a file of its own: the X-Ray SDK reads LAMBDA_TASK_ROOT once, when it loads). The tracer is not loaded at
// start: an unsampled invocation leaves it unloaded, the first sampled one loads it, instruments the AWS
// clients made before, and that invocation and every later sampled one runs in its own subsegment.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createObservability, type Observability } from './observability.js';

const XRAY_ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const traceHeader = (parent: string, sampled: 0 | 1) =>
  `Root=${XRAY_ROOT};Parent=${parent};Sampled=${sampled}`;
/** A Lambda environment with tracing on: what Powertools and the X-Ray SDK read. */
const LAMBDA_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'aws-monitor',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: 'us-east-1',
  LAMBDA_TASK_ROOT: '/var/task',
  // No X-Ray daemon here: the SDK sends closed subsegments over UDP to this closed port, unanswered.
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:9',
  POWERTOOLS_METRICS_DISABLED: 'true',
  LOG_LEVEL: 'SILENT',
};

let savedEnv: NodeJS.ProcessEnv;
const clients: DynamoDBClient[] = [];

beforeAll(() => {
  savedEnv = { ...process.env };
  delete process.env.POWERTOOLS_TRACE_ENABLED;
  delete process.env.POWERTOOLS_DEV;
  Object.assign(process.env, LAMBDA_ENV);
});

afterAll(() => {
  for (const client of clients) client.destroy();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** A client as the monitor makes one, passed through the observability's instrumentation. */
function client(observability: Observability): DynamoDBClient {
  const made = observability.instrument(new DynamoDBClient({ region: 'us-east-1' }));
  clients.push(made);
  return made;
}

const xrayMiddleware = (made: DynamoDBClient) =>
  made.middlewareStack.identify().filter((name) => name.includes('XRay'));

describe('X-Ray tracing inside Lambda', () => {
  it('loads the tracer with the first sampled invocation, then traces it and every later sampled one', async () => {
    const observability = createObservability(loadConfig(process.env));
    // What an invocation sees: the current segment, its trace and the ColdStart annotation.
    const probe = observability.wrapLambdaHandler(async () => {
      const segment = observability.tracer?.getSegment() as
        | { name: string; annotations?: Record<string, unknown>; segment?: { trace_id?: string } }
        | undefined;
      return {
        name: segment?.name,
        traceId: segment?.segment?.trace_id,
        coldStart: segment?.annotations?.ColdStart,
      };
    });
    const early = client(observability);

    // The cold start's invocation is not sampled: nothing is recorded, the tracer stays unloaded.
    process.env._X_AMZN_TRACE_ID = traceHeader('53995c3f42cd8ad8', 0);
    expect(await probe()).toEqual({ name: undefined, traceId: undefined, coldStart: undefined });
    expect(observability.tracer).toBeUndefined();
    expect(xrayMiddleware(early)).toEqual([]);

    // The first sampled one loads it: its subsegment, not marked as a cold start (that was the first).
    process.env._X_AMZN_TRACE_ID = traceHeader('53995c3f42cd8ad9', 1);
    expect(await probe()).toEqual({ name: '## request', traceId: XRAY_ROOT, coldStart: false });
    expect(observability.tracer?.isTracingEnabled()).toBe(true);
    // The client made before is instrumented now, and one made from now on at once.
    expect(xrayMiddleware(early)).toEqual(['XRaySDKInstrumentation - build']);
    expect(xrayMiddleware(client(observability))).toEqual(['XRaySDKInstrumentation - build']);

    process.env._X_AMZN_TRACE_ID = traceHeader('53995c3f42cd8ada', 1);
    expect(await probe()).toEqual({ name: '## request', traceId: XRAY_ROOT, coldStart: false });
  });

  it('annotates ColdStart when the first invocation of the instance is sampled', async () => {
    const observability = createObservability(loadConfig(process.env));
    const probe = observability.wrapLambdaHandler(async () => {
      const segment = observability.tracer?.getSegment() as
        | { name: string; annotations?: Record<string, unknown> }
        | undefined;
      return { name: segment?.name, coldStart: segment?.annotations?.ColdStart };
    });
    process.env._X_AMZN_TRACE_ID = traceHeader('53995c3f42cd8adb', 1);
    expect(await probe()).toEqual({ name: '## request', coldStart: true });
    process.env._X_AMZN_TRACE_ID = traceHeader('53995c3f42cd8adc', 1);
    expect(await probe()).toEqual({ name: '## request', coldStart: false });
  });
});
