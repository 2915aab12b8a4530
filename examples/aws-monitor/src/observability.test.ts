// What the reference server's Powertools observability writes, captured at process.stdout/stderr: the JSON
// request log line, the EMF metric lines (requests, errors, server errors, tool latency, cold start) inside a
// simulated Lambda environment, the SEP-414 client trace on the log line and the request subsegment, and
// local output.

import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MemorySessionStore, StoreUnavailableError } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpApiEvent } from '../../../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { type AwsMonitorApp, buildAwsMonitor } from './app.js';
import { loadConfig } from './config.js';
import { createObservability, parseTraceparent, readableLine } from './observability.js';
import { sessionRef } from './session-ref.js';

const KEY = 'ab'.repeat(32);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const XRAY_ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const LAMBDA_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'aws-monitor',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: 'us-east-1',
  _X_AMZN_TRACE_ID: `Root=${XRAY_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
};
/** Variables that would change what Powertools or the server does; unset for every test. */
const CLEARED = [
  ...Object.keys(LAMBDA_ENV),
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_LOG_LEVEL',
  'AWS_SAM_LOCAL',
  'LOG_LEVEL',
  'POWERTOOLS_DEV',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_METRICS_FUNCTION_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_TRACE_ENABLED',
  'ALLOWED_ORIGINS',
  'STORE',
  'SESSION_TABLE_NAME',
  'NO_COLOR',
];
/** A 2026-07-28 `tools/call` with its `_meta` envelope. */
const modernCall = (name: string) => ({
  jsonrpc: '2.0',
  id: 9,
  method: 'tools/call',
  params: {
    name,
    arguments: {},
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'obs-test', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
const HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

let savedEnv: NodeJS.ProcessEnv;
let output: { stream: 'stdout' | 'stderr'; text: string }[];
let apps: AwsMonitorApp[];

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const key of CLEARED) delete process.env[key];
  output = [];
  apps = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation(((chunk: string | Uint8Array) => {
      output.push({ stream, text: String(chunk) });
      return true;
    }) as typeof process.stdout.write);
  }
});

afterEach(async () => {
  // Closed first: close() writes the request lines still queued, and they belong to the captured output.
  for (const app of apps) await app.close();
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** The next turn of the event loop, after which deferred request lines are written. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Everything written since `from`, one entry per line, JSON lines parsed. */
function lines(from = 0) {
  return output
    .slice(from)
    .flatMap(({ stream, text }) => text.split('\n').map((line) => ({ stream, line })))
    .filter(({ line }) => line.trim() !== '')
    .map(({ stream, line }) => {
      try {
        return { stream, line, json: JSON.parse(line) as Record<string, unknown> };
      } catch {
        return { stream, line, json: undefined };
      }
    });
}

type Emf = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: object[] }[] };
};
const emfLines = (from = 0) =>
  lines(from)
    .map(({ json }) => json)
    .filter((json): json is Emf => json !== undefined && '_aws' in json);
const emfWith = (name: string, from = 0) => emfLines(from).filter((emf) => name in emf);
const requestLogs = (from = 0) => lines(from).filter(({ json }) => json?.message === 'request');

async function build(options: Parameters<typeof buildAwsMonitor>[0] = {}, tracer?: Tracer) {
  const observability = tracer ? createObservability(loadConfig(process.env), { tracer }) : undefined;
  const app = await buildAwsMonitor(
    { requestStateKey: KEY, ...options },
    process.env,
    () => {},
    observability ? { observability } : {},
  );
  apps.push(app);
  return { app, lambda: app.observability.wrapLambdaHandler(toLambdaHandler(app.handler)) };
}

type LambdaFn = Awaited<ReturnType<typeof build>>['lambda'];

async function invoke(
  lambda: LambdaFn,
  requestId: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return (await lambda(httpApiEvent({ headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) }), {
    awsRequestId: requestId,
    functionName: 'aws-monitor',
    getRemainingTimeInMillis: () => 30_000,
  })) as APIGatewayProxyStructuredResultV2;
}

async function initialize(lambda: LambdaFn): Promise<string> {
  const init = await invoke(lambda, 'req-init', {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'observer', version: '1' },
    },
  });
  expect(init.statusCode).toBe(200);
  return (init.headers as Record<string, string>)['mcp-session-id'] as string;
}

function toolCall(meta?: Record<string, unknown>) {
  return {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'session_info', arguments: {}, ...(meta && { _meta: meta }) },
  };
}

describe('inside Lambda (simulated environment)', () => {
  beforeEach(() => Object.assign(process.env, LAMBDA_ENV));

  it('logs one JSON line per request and emits its EMF metrics, ColdStart on the first request only', async () => {
    const { lambda } = await build();
    const sessionId = await initialize(lambda);

    expect(emfLines()).toHaveLength(2);
    expect(emfWith('ColdStart')).toHaveLength(1);
    expect(emfWith('ColdStart')[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'LambdaMcp',
            Dimensions: [['service', 'function_name']],
            Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
          },
        ],
      },
      service: 'aws-monitor',
      function_name: 'aws-monitor',
      ColdStart: 1,
    });
    expect(emfWith('Requests')[0]).toMatchObject({ Method: 'initialize', Era: 'legacy', Requests: 1 });
    expect(requestLogs()[0]?.json).toMatchObject({ rpcMethod: 'initialize', clientName: 'observer' });

    const from = output.length;
    const call = await invoke(lambda, 'req-call', toolCall(), {
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    });
    expect(call.statusCode).toBe(200);

    const logs = requestLogs(from);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.stream).toBe('stdout');
    const log = logs[0]?.json as Record<string, unknown>;
    expect(log).toEqual({
      level: 'INFO',
      message: 'request',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'aws-monitor',
      sampling_rate: 0,
      xray_trace_id: XRAY_ROOT,
      lambdaRequestId: 'req-call',
      httpMethod: 'POST',
      era: 'legacy',
      rpcMethod: 'tools/call',
      toolName: 'session_info',
      sessionRef: sessionRef(sessionId),
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(log.durationMs as number).toBeGreaterThanOrEqual(0);

    const metrics = emfLines(from);
    expect(metrics).toHaveLength(2);
    const [requests] = emfWith('Requests', from);
    expect(requests).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'LambdaMcp',
            Dimensions: [['service', 'Method', 'Era']],
            Metrics: [{ Name: 'Requests', Unit: 'Count' }],
          },
        ],
      },
      service: 'aws-monitor',
      Method: 'tools/call',
      Era: 'legacy',
      Requests: 1,
    });
    const [latency] = emfWith('ToolLatency', from);
    expect(latency).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'LambdaMcp',
            Dimensions: [['service', 'Tool']],
            Metrics: [{ Name: 'ToolLatency', Unit: 'Milliseconds' }],
          },
        ],
      },
      service: 'aws-monitor',
      Tool: 'session_info',
      ToolLatency: log.durationMs,
    });
    expect(emfWith('ColdStart', from)).toEqual([]);
    expect(emfWith('Errors')).toEqual([]);
    expect(emfWith('ServerErrors')).toEqual([]);
  });

  it('counts an unknown session (404, -32001) under Errors with its code, and logs it at WARN', async () => {
    const { lambda } = await build();
    const response = await invoke(
      lambda,
      'req-404',
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { 'mcp-session-id': 'unknown', 'mcp-protocol-version': '2025-11-25' },
    );
    expect(response.statusCode).toBe(404);

    const [log] = requestLogs();
    expect(log?.stream).toBe('stderr');
    expect(log?.json).toMatchObject({
      level: 'WARN',
      lambdaRequestId: 'req-404',
      rpcMethod: 'tools/list',
      sessionRef: sessionRef('unknown'),
      status: 404,
      errorCode: -32001,
    });
    expect(emfWith('Errors')).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'LambdaMcp',
              Dimensions: [['service', 'Code']],
              Metrics: [{ Name: 'Errors', Unit: 'Count' }],
            },
          ],
        },
        service: 'aws-monitor',
        Code: '-32001',
        Errors: 1,
      },
    ]);
    expect(emfWith('Requests')[0]).toMatchObject({ Method: 'tools/list', Era: 'legacy', Requests: 1 });
    // A 4xx is the client's: no ServerErrors.
    expect(emfWith('ServerErrors')).toEqual([]);
  });

  it('counts a 5xx answer (a failing store: 503) once under ServerErrors, by service alone', async () => {
    class DeadStore extends MemorySessionStore {
      override async get(): Promise<undefined> {
        throw new StoreUnavailableError('DynamoDB GetItem failed: timeout');
      }
    }
    const { lambda } = await build({ sessionStore: new DeadStore() });
    const response = await invoke(
      lambda,
      'req-503',
      { jsonrpc: '2.0', id: 4, method: 'tools/list' },
      { 'mcp-session-id': 'abc', 'mcp-protocol-version': '2025-11-25' },
    );
    expect(response.statusCode).toBe(503);
    expect(requestLogs().map(({ json }) => [json?.level, json?.status])).toEqual([['ERROR', 503]]);
    expect(emfWith('ServerErrors')).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'LambdaMcp',
              Dimensions: [['service']],
              Metrics: [{ Name: 'ServerErrors', Unit: 'Count' }],
            },
          ],
        },
        service: 'aws-monitor',
        ServerErrors: 1,
      },
    ]);
    // Still counted under Errors by its JSON-RPC code, and as a request.
    expect(emfWith('Errors')).toMatchObject([{ Code: '-32603', Errors: 1 }]);
    expect(emfWith('Requests')).toMatchObject([{ Method: 'tools/list', Era: 'legacy', Requests: 1 }]);
  });

  it("logs the client's W3C trace (SEP-414) and records it on the request's X-Ray subsegment", async () => {
    const tracer = fakeTracer();
    const { lambda } = await build({}, tracer);
    const sessionId = await initialize(lambda);
    const from = output.length;
    await invoke(lambda, 'req-traced', toolCall({ traceparent: TRACEPARENT, tracestate: 'vendor=1' }), {
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    });

    expect(requestLogs(from)[0]?.json).toMatchObject({
      rpcMethod: 'tools/call',
      traceparent: TRACEPARENT,
      tracestate: 'vendor=1',
      clientTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      clientParentId: '00f067aa0ba902b7',
    });

    const [initSegment, callSegment] = tracer.facade.subsegments;
    expect(initSegment?.name).toBe('## initialize');
    expect(callSegment).toMatchObject({
      name: '## tools/call',
      closed: true,
      annotations: {
        method: 'tools/call',
        era: 'legacy',
        status: 200,
        tool: 'session_info',
        session_ref: sessionRef(sessionId),
        client_trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        client_parent_id: '00f067aa0ba902b7',
      },
    });
    expect(initSegment?.annotations).not.toHaveProperty('client_trace_id');
    // The Lambda segment is current again once the invocation ends.
    expect(tracer.current).toBe(tracer.facade);
  });

  it("still calls the entry point's own onerror and onrequest", async () => {
    const errors: Error[] = [];
    const records: unknown[] = [];
    const { lambda } = await build({
      onerror: (error) => errors.push(error),
      onrequest: (record) => {
        records.push(record);
        throw new Error('entry hook failed');
      },
    });
    await initialize(lambda);
    expect(records).toHaveLength(1);
    expect(errors.map((error) => error.message)).toEqual(['entry hook failed']);
    const logged = lines().find(({ json }) => json?.message === 'server error');
    expect(logged?.json).toMatchObject({
      level: 'ERROR',
      lambdaRequestId: 'req-init',
      error: { name: 'Error', message: 'entry hook failed' },
    });
  });

  it('prints no log line with LOG_LEVEL=SILENT, and no EMF with POWERTOOLS_METRICS_DISABLED=true', async () => {
    process.env.LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { app, lambda } = await build();
    await initialize(lambda);
    expect(app.observability.metricsEnabled).toBe(false);
    expect(lines()).toEqual([]);
  });
});

describe('locally', () => {
  let isTTY: PropertyDescriptor | undefined;
  beforeEach(() => {
    isTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  });
  afterEach(() => {
    if (isTTY) Object.defineProperty(process.stderr, 'isTTY', isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });
  const setTTY = (value: boolean) =>
    Object.defineProperty(process.stderr, 'isTTY', { value, configurable: true, writable: true });

  it('logs JSON when stderr is not a terminal, and prints no EMF', async () => {
    setTTY(false);
    const { app } = await build();
    expect(app.observability.metricsEnabled).toBe(false);
    const response = await app.handler.fetch(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'local', version: '1' },
          },
        }),
      }),
    );
    expect(response.status).toBe(200);
    await nextTurn(); // the request line is written after the response (deferRequestLogs)
    expect(requestLogs().map(({ json }) => json)).toEqual([
      {
        level: 'INFO',
        message: 'request',
        timestamp: expect.any(String),
        service: 'aws-monitor',
        sampling_rate: 0,
        httpMethod: 'POST',
        era: 'legacy',
        rpcMethod: 'initialize',
        sessionRef: sessionRef(response.headers.get('mcp-session-id') as string),
        clientName: 'local',
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
    expect(emfLines()).toEqual([]);
  });

  it('caps client-supplied fields at 256 characters, marked as cut: a 1 MB tool name logs a short line', async () => {
    setTTY(false);
    const { app } = await build();
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      app.handler.fetch(
        new Request('http://127.0.0.1/mcp', {
          method: 'POST',
          headers: { ...HEADERS, ...headers },
          body: JSON.stringify(body),
        }),
      );
    const huge = 'x'.repeat(1024 * 1024);
    const init = await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: `c${huge.slice(0, 10_000)}`, version: '1' },
      },
    });
    const session = {
      'mcp-session-id': init.headers.get('mcp-session-id') as string,
      'mcp-protocol-version': '2025-11-25',
    };
    await nextTurn();
    const from = output.length;
    await send(
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: huge, arguments: {}, _meta: { traceparent: huge } },
      },
      session,
    );
    await send({ jsonrpc: '2.0', id: 3, method: `m${huge}` }, session);
    await nextTurn();
    const logged = [...requestLogs(0).slice(0, 1), ...requestLogs(from)];
    expect(logged).toHaveLength(3);
    for (const { line } of logged) expect(line.length).toBeLessThan(2048);
    const [initLine, call, method] = logged.map(({ json }) => json as Record<string, string>);
    expect(initLine?.clientName).toBe(`c${'x'.repeat(249)}…(cut)`);
    expect(call?.toolName).toHaveLength(256);
    expect(call?.toolName).toBe(`${'x'.repeat(250)}…(cut)`);
    expect(call?.traceparent).toBe(`${'x'.repeat(250)}…(cut)`);
    expect(method?.rpcMethod).toBe(`m${'x'.repeat(249)}…(cut)`);
  });

  it('logs 4xx rejections (the SDK’s included) at WARN, never as ERROR lines', async () => {
    setTTY(false);
    const { app } = await build();
    const send = (body: string, headers: Record<string, string> = {}) =>
      app.handler.fetch(
        new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...HEADERS, ...headers }, body }),
      );
    const statuses = [
      (await send('{not json')).status,
      (await send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }))).status,
      (await send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { bogus: true } })))
        .status,
      (
        await send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
          'mcp-session-id': 'gone',
        })
      ).status,
      (
        await send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
          'mcp-protocol-version': '1999-01-01',
        })
      ).status,
      // Refused by the SDK itself (it reports these through onerror before answering 400).
      (
        await send(JSON.stringify(modernCall('session_info')), {
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/list',
        })
      ).status,
      (
        await send(JSON.stringify(modernCall('session_info')), {
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'another_tool',
        })
      ).status,
    ];
    for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of statuses) expect(status).toBeLessThan(500);
    await nextTurn();
    const logged = lines().filter(({ json }) => json !== undefined);
    // One WARN request line per refusal, and nothing else: no ERROR line, no stack.
    expect(logged.map(({ json }) => [json?.level, json?.message])).toEqual(
      statuses.map(() => ['WARN', 'request']),
    );
  });

  it('writes request lines after the response has gone out, in order; flush() and Lambda write at once', async () => {
    setTTY(false);
    const { app } = await build();
    const put = () => app.handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'PUT' }));
    expect((await put()).status).toBe(405);
    expect((await put()).status).toBe(405);
    // Both answers are back and neither line is written yet: the synchronous write is off the client's path.
    expect(requestLogs()).toEqual([]);
    await nextTurn();
    expect(requestLogs().map(({ json }) => json?.status)).toEqual([405, 405]);
    await put();
    app.observability.flush(); // what close() calls: nothing queued is lost at shutdown
    expect(requestLogs()).toHaveLength(3);
    // Inside Lambda a frozen sandbox would hold a queued line back to the next invocation: written at once.
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'obs-test';
    const inLambda = await build();
    const from = output.length;
    await inLambda.app.handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'PUT' }));
    expect(requestLogs(from)).toHaveLength(1);
  });

  it('emits EMF when POWERTOOLS_METRICS_DISABLED=false asks for it', async () => {
    setTTY(false);
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const { app } = await build();
    expect(app.observability.metricsEnabled).toBe(true);
    await app.handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'PUT' }));
    expect(emfWith('Requests')[0]).toMatchObject({ Method: 'PUT', Era: 'edge', Requests: 1 });
    expect(emfWith('Errors')[0]).toMatchObject({ Code: '-32000', Errors: 1 });
  });

  it('prints one readable line per request on a terminal', async () => {
    setTTY(true);
    process.env.NO_COLOR = '1';
    const { app } = await build();
    await app.handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'PUT' }));
    await nextTurn();
    const printed = lines();
    expect(printed).toHaveLength(1);
    expect(printed[0]?.stream).toBe('stderr');
    expect(printed[0]?.json).toBeUndefined();
    expect(printed[0]?.line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}request PUT → 405 \d+ms era=edge errorCode=-32000$/,
    );
  });
});

describe('parseTraceparent', () => {
  it('reads the trace and parent ids of a valid W3C traceparent', () => {
    expect(parseTraceparent(TRACEPARENT)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.sampled).toBe(
      false,
    );
  });

  it('rejects malformed values, zero ids, version ff and extra fields on version 00', () => {
    for (const value of [
      'garbage',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      `${TRACEPARENT}-extra`,
    ]) {
      expect(parseTraceparent(value), value).toBeUndefined();
    }
  });
});

describe('readableLine', () => {
  it('shows the level, message and the fields worth reading, errors as name and message', () => {
    const error = new Error('store down');
    expect(
      readableLine({
        level: 'ERROR',
        message: 'server error',
        timestamp: '2026-01-02T03:04:05.678Z',
        service: 'aws-monitor',
        sampling_rate: 0,
        error,
      }),
    ).toMatch(/^03:04:05\.678 ERROR server error error="Error: store down/);
  });
});

interface FakeSegment {
  name: string;
  annotations: Record<string, unknown>;
  subsegments: FakeSegment[];
  closed: boolean;
}

/** A Tracer double with a Lambda facade segment, recording subsegments, annotations and the current segment. */
function fakeTracer(): Tracer & { facade: FakeSegment; current: FakeSegment } {
  const segment = (name: string): FakeSegment => {
    const created = {
      name,
      annotations: {} as Record<string, unknown>,
      subsegments: [] as FakeSegment[],
      closed: false,
      addNewSubsegment: (child: string) => {
        const sub = segment(child);
        created.subsegments.push(sub);
        return sub;
      },
      addAnnotation: (key: string, value: unknown) => {
        created.annotations[key] = value;
      },
      addMetadata: () => {},
      addErrorFlag: () => {},
      addFaultFlag: () => {},
      addThrottleFlag: () => {},
      close: () => {
        created.closed = true;
      },
    };
    return created;
  };
  const facade = segment('facade');
  const fake = {
    facade,
    current: facade,
    isTracingEnabled: () => true,
    getSegment: () => fake.current,
    setSegment: (next: FakeSegment) => {
      fake.current = next;
    },
    annotateColdStart: () => {},
    putAnnotation: (key: string, value: unknown) => {
      fake.current.annotations[key] = value;
    },
    addServiceNameAnnotation: () => {},
    addErrorAsMetadata: () => {},
    captureAWSv3Client: <T>(client: T) => client,
  };
  return fake as unknown as Tracer & { facade: FakeSegment; current: FakeSegment };
}
