// Subject (a): lambda-mcp's handler over the reference server, as a deployment builds it. Its own module so
// that the SDK's cold-start bundle does not carry lambda-mcp's code.

import { createLambdaMcp } from 'lambda-mcp';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';
import { BENCH_KEY } from './key.js';
import type { Subject } from './types.js';

/** `createLambdaMcp(createAwsMonitorServer)` with the benchmark key in place of `MCP_REQUEST_STATE_KEY`. */
export function createOurs(): Subject {
  const errors: Error[] = [];
  const handler = createLambdaMcp(createAwsMonitorServer, {
    requestStateKey: BENCH_KEY,
    onerror: (error) => errors.push(error),
  });
  return { name: 'ours', fetch: (request) => handler.fetch(request), close: handler.close, errors };
}
