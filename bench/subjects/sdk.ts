// Subject (b): the SDK's bare `createMcpHandler` over the same server definition. It serves 2025-era
// requests through its default stateless legacy lane: no sessions, one fresh server per request.
import { createMcpHandler, createRequestStateCodec } from '@modelcontextprotocol/server';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';
import { BENCH_KEY } from './key.js';
import type { Subject } from './types.js';

/** `createMcpHandler` over `createAwsMonitorServer`, handed the SDK's context (its `era`) plus a codec. */
export function createSdk(): Subject {
  const errors: Error[] = [];
  const requestState = createRequestStateCodec({ key: BENCH_KEY });
  const handler = createMcpHandler((ctx) => createAwsMonitorServer({ ...ctx, requestState }), {
    onerror: (error) => errors.push(error),
  });
  return { name: 'sdk', fetch: (request) => handler.fetch(request), close: handler.close, errors };
}
