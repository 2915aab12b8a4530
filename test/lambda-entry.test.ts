// The reference server's Lambda entry, driven with real event shapes: a 2025 session over API Gateway HTTP
// API events, a GET poll through a Function URL event, a 2026-07-28 call over a REST API event, and the
// start-up refusal inside Lambda without MCP_REQUEST_STATE_KEY.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../examples/aws-monitor/src/lambda.js';
import {
  functionUrlEvent,
  httpApiEvent,
  restApiEvent,
} from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { initializeMessage, parseSse } from './helpers.js';

const context = { getRemainingTimeInMillis: () => 30_000 };
const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

describe('aws-monitor Lambda handler', () => {
  it('takes a task worker event (the lambda-async runner invoking itself) instead of refusing it', async () => {
    // No task has that id: the worker finds nothing to run and the invocation ends without an error.
    const result = await handler({ 'lambda-mcp': 'task-run', taskId: 'no-such-task', runId: 'r1' }, context);
    expect(result).toEqual({ task: 'no-such-task' });
    await expect(handler({ 'lambda-mcp': 'something-else' }, context)).rejects.toThrow(
      /unsupported Lambda event/,
    );
  });

  it('serves a 2025 session across invocations, and a GET that replays and closes', async () => {
    const init = (await handler(
      httpApiEvent({
        headers: { ...headers, host: 'abc.execute-api.us-east-1.amazonaws.com' },
        body: JSON.stringify(initializeMessage('2025-11-25', 'lambda-test')),
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(init.statusCode).toBe(200);
    const sessionId = (init.headers as Record<string, string>)['mcp-session-id'] as string;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const call = (await handler(
      httpApiEvent({
        headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'session_info', arguments: {} },
        }),
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(call.statusCode).toBe(200);
    const result = JSON.parse(call.body as string).result.structuredContent;
    expect(result).toMatchObject({
      era: 'legacy',
      sessionId,
      protocolVersion: '2025-11-25',
      clientInfo: { name: 'lambda-test' },
    });

    const get = (await handler(
      functionUrlEvent({
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
        },
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(get.statusCode).toBe(200);
    expect((get.headers as Record<string, string>)['content-type']).toBe('text/event-stream');
    expect(parseSse(get.body as string)).toEqual([{ id: 'get.0~m000000000000', data: '', retry: 1000 }]);
  });

  it('serves 2026-07-28 over a REST API event with no session', async () => {
    const response = (await handler(
      restApiEvent({
        headers: {
          ...headers,
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'session_info',
        },
        multiValueHeaders: {},
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: {
            name: 'session_info',
            arguments: {},
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'rest', version: '2' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
      }),
      context,
    )) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).result.structuredContent).toMatchObject({
      era: 'modern',
      hasSession: false,
      clientInfo: { name: 'rest', version: '2' },
    });
  });

  it('refuses to start inside Lambda without MCP_REQUEST_STATE_KEY or with a bad STORE, saying what to set', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'aws-monitor', MCP_REQUEST_STATE_KEY: '' };
    const failure = await run(process.execPath, ['--import', 'tsx', 'examples/aws-monitor/src/lambda.ts'], {
      env,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('MCP_REQUEST_STATE_KEY is not set');
    const started = await run(process.execPath, ['--import', 'tsx', 'examples/aws-monitor/src/lambda.ts'], {
      env: { ...env, MCP_REQUEST_STATE_KEY: '12'.repeat(32) },
    });
    // Started; on the default in-memory store it says that sessions stay in one instance.
    expect(JSON.parse(started.stderr)).toEqual({
      level: 'info',
      message: 'lambda-mcp: STORE=memory inside Lambda: 2025-era sessions live in one instance only',
    });
    const badStore = await run(process.execPath, ['--import', 'tsx', 'examples/aws-monitor/src/lambda.ts'], {
      env: { ...env, MCP_REQUEST_STATE_KEY: '12'.repeat(32), STORE: 'redis' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(badStore?.code).toBe(1);
    expect(badStore?.stderr).toContain('STORE must be one of memory, dynamodb, dynalite; got "redis"');
  });
});
