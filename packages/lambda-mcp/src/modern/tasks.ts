// The Tasks extension (SEP-2663) on the modern leg: the task runtime over the configured store and runner,
// the factory wrapper that attaches the extension to every server with task tools, the dispatch a runner
// uses to run a task's `tools/call` through the same SDK handler (in this process or in a Lambda worker),
// and the answer that replaces the SDK's when a task tool refused a call (-32021).
import type { AuthInfo, McpServer, Server } from '@modelcontextprotocol/server';
import { jsonRpcErrorResponse } from '../http/responses.js';
import { attachTaskMethods } from '../tasks/handlers.js';
import { LambdaAsyncTaskRunner } from '../tasks/lambda-runner.js';
import { MemoryTaskStore } from '../tasks/memory.js';
import { resolveTaskOptions, type TaskOptions } from '../tasks/options.js';
import { InProcessTaskRunner, type TaskRunner } from '../tasks/runner.js';
import { type DispatchOutcome, type TaskDispatch, TaskRuntime } from '../tasks/runtime.js';
import { type CallScope, callScope } from '../tasks/scope.js';
import { bindTaskHost, hasTaskTools } from '../tasks/tool.js';
import type { TaskRecord } from '../tasks/types.js';

/** The modern protocol version a task's dispatch speaks. */
const MODERN = '2026-07-28';
/** Where a dispatched call is addressed; only the SDK handler sees it. */
const INTERNAL_URL = 'http://lambda-mcp.internal/mcp';

/** Sends one parsed JSON-RPC request through the SDK handler. */
type SdkFetch = (request: Request, body: unknown, authInfo: AuthInfo | undefined) => Promise<Response>;

/** The runner `options` ask for. */
function runnerFor(options: TaskOptions, onerror: (error: Error) => void): TaskRunner {
  if (options.runner && typeof options.runner === 'object') return options.runner;
  if (options.runner === 'lambda-async') {
    return new LambdaAsyncTaskRunner({
      ...(options.functionName && { functionName: options.functionName }),
      ...(options.lambdaClient && { client: options.lambdaClient }),
      ...(options.loadLambdaSdk && { loadSdk: options.loadLambdaSdk }),
    });
  }
  return new InProcessTaskRunner(onerror);
}

/**
 * Builds the task runtime of one handler; `sdkFetch` reaches the SDK handler, which is made after it, so it
 * is looked up at dispatch time.
 */
export function createTaskRuntime(
  taskOptions: TaskOptions,
  sdkFetch: () => SdkFetch,
  now: () => number,
  onerror: (error: Error) => void,
  onchange?: (record: TaskRecord) => void,
): TaskRuntime {
  const options = resolveTaskOptions(taskOptions);
  const store = options.store ?? new MemoryTaskStore(now);
  const dispatch: TaskDispatch = async (call, state) => {
    const params: Record<string, unknown> = {
      name: call.name,
      arguments: call.arguments ?? {},
      _meta: call.meta ?? {},
    };
    if (state.inputResponses && Object.keys(state.inputResponses).length > 0) {
      params.inputResponses = state.inputResponses;
    }
    if (state.requestState) params.requestState = state.requestState;
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params };
    const request = new Request(INTERNAL_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': String(call.meta?.['io.modelcontextprotocol/protocolVersion'] ?? MODERN),
        'mcp-method': 'tools/call',
        'mcp-name': encodeName(call.name),
      },
      body: JSON.stringify(body),
    });
    const authInfo = call.auth && { token: '', ...call.auth };
    const response = await callScope.run({}, () => sdkFetch()(request, body, authInfo));
    return outcomeOf(await response.text(), response.headers.get('content-type'));
  };
  return new TaskRuntime({
    options: { ...options, store },
    runner: runnerFor(options, onerror),
    dispatch,
    now,
    onerror,
    ...(onchange && { onchange }),
  });
}

/** Wraps a server factory so every server with task tools serves the extension through `runtime`. */
export function withTasks<C>(
  factory: (ctx: C) => McpServer | Server | Promise<McpServer | Server>,
  runtime: TaskRuntime,
): (ctx: C) => Promise<McpServer | Server> {
  return async (ctx) => {
    const server = await factory(ctx);
    if (hasTaskTools(server)) {
      bindTaskHost(server, runtime);
      attachTaskMethods(server, runtime);
    }
    return server;
  };
}

/**
 * Serves one client request inside a call scope, answering in the SDK's place when a task tool refused the call
 * or created a task (its `CreateTaskResult`, as the SEP shapes it).
 */
export async function withCallScope(body: unknown, serve: () => Promise<Response>): Promise<Response> {
  const scope: CallScope = {};
  const response = await callScope.run(scope, serve);
  const { rejection, created } = scope;
  const id = (body as { id?: unknown } | undefined)?.id;
  if (!rejection) {
    if (!created) return response;
    await response.body?.cancel();
    return Response.json({ jsonrpc: '2.0', id: id ?? null, result: created });
  }
  await response.body?.cancel();
  const { code, message, data } = rejection;
  const answer = jsonRpcErrorResponse(
    400,
    code,
    message,
    {},
    typeof id === 'string' || typeof id === 'number' ? id : null,
  );
  if (data === undefined) return answer;
  const json = (await answer.json()) as { error: Record<string, unknown> };
  json.error.data = data;
  return Response.json(json, { status: 400 });
}

/** What the SDK answered a dispatched `tools/call` with: a result, a request for input, or an error. */
function outcomeOf(text: string, contentType: string | null): DispatchOutcome {
  const message = contentType?.includes('text/event-stream') ? lastSseMessage(text) : JSON.parse(text);
  if (message?.error) {
    const { code, message: errorMessage, data } = message.error;
    return { kind: 'error', error: { code, message: errorMessage, ...(data !== undefined && { data }) } };
  }
  const result = message?.result as Record<string, unknown> | undefined;
  if (!result) return { kind: 'error', error: { code: -32603, message: 'The tool call had no answer' } };
  if (result.resultType === 'input_required') {
    return {
      kind: 'input',
      inputRequests: (result.inputRequests as Record<string, unknown> | undefined) ?? {},
      ...(typeof result.requestState === 'string' && { requestState: result.requestState }),
    };
  }
  const { resultType: _resultType, ...rest } = result;
  return { kind: 'result', result: rest };
}

/** The JSON-RPC response in an SSE body: the last `data:` line that holds one. */
function lastSseMessage(text: string): {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
} {
  let found: ReturnType<typeof lastSseMessage> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    try {
      const parsed = JSON.parse(line.slice(5));
      if (parsed && ('result' in parsed || 'error' in parsed)) found = parsed;
    } catch {
      // a keep-alive or partial line: not the answer
    }
  }
  return found;
}

/** An `Mcp-Name` value: the name itself when it is plain ASCII, else the SEP-2243 base64 sentinel. */
function encodeName(name: string): string {
  return /^[\x21-\x7e]*$/.test(name) ? name : `=?base64?${Buffer.from(name).toString('base64')}?=`;
}
