// The two async contexts the Tasks runtime threads through the SDK, which has no task runtime of its own:
// `executionScope` marks a `tools/call` a task runner dispatches (so the tool runs inside the task instead of
// creating another one), and `callScope` lets a task tool refuse a client's call with a JSON-RPC error the
// SDK's tool path would otherwise turn into an `isError` result. Both are set by the modern leg.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProtocolError } from '@modelcontextprotocol/server';
import type { TaskError } from './types.js';

/** One run of a task's tool, as the runner describes it to the tool wrapper. */
export interface TaskExecution {
  /** The task being run. */
  readonly taskId: string;
  /** The tool the task runs; a dispatch of another tool is not this task's. */
  readonly tool: string;
  /** Aborted when the task is cancelled (or its run loses the task). */
  readonly signal: AbortSignal;
  /** Records a status message (written with the next heartbeat). */
  onStatus(message: string): void;
  /** Set by the wrapper when the tool threw a JSON-RPC error: the task fails with it. */
  protocolError?: TaskError;
}

/** What one client `tools/call` of the modern leg may be answered with instead of the SDK's answer. */
export interface CallScope {
  /** A JSON-RPC error to answer the request with (the `-32021` of a task-required tool). */
  rejection?: ProtocolError;
  /**
   * The `CreateTaskResult` of the task this call created. The SDK would check it as the tool's output (an
   * output schema wants `structuredContent`) and add `content: []`; the leg answers with it as it is.
   */
  created?: Record<string, unknown>;
}

/** Set around every `tools/call` a task runner dispatches. */
export const executionScope = new AsyncLocalStorage<TaskExecution>();

/** Set around every request the modern leg hands to the SDK. */
export const callScope = new AsyncLocalStorage<CallScope>();
