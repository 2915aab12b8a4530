// The SDK anchor of the artifact cold start: the reference server's definition (`createAwsMonitorServer`)
// behind the SDK's bare `createMcpHandler`, made a buffered Lambda handler with lambda-mcp's exported event
// conversion (`toLambdaHandler` from `lambda-mcp/lambda`, a few KiB that any fetch handler can use), so both
// artifacts do the same Function URL event → Request → Response → result work. Built by bench/artifact/build.ts
// with the shipped artifact's esbuild options; no stores, no observability: the floor the SDK sets.
import { createMcpHandler, createRequestStateCodec } from '@modelcontextprotocol/server';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';

const hex = process.env.MCP_REQUEST_STATE_KEY?.trim() ?? '';
if (!/^[0-9a-f]{64}$/i.test(hex))
  throw new Error('the SDK anchor needs MCP_REQUEST_STATE_KEY (64 hex digits)');
const requestState = createRequestStateCodec({ key: Uint8Array.from(Buffer.from(hex, 'hex')) });

const mcp = createMcpHandler((ctx) => createAwsMonitorServer({ ...ctx, requestState }));

/** The buffered Lambda handler (Function URL, API Gateway and ALB events); the SDK takes no Lambda extras. */
export const handler = toLambdaHandler({ fetch: (request) => mcp.fetch(request) });
