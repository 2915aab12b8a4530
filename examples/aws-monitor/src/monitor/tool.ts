// The `aws_real_time_monitor` tool: lists one resource type in a region and polls it for `duration_seconds`,
// answering the final inventory and a change summary, or a tool error that says what to fix. It is a task
// tool (SEP-2663, `optional`): a 2026-07-28 client that declares io.modelcontextprotocol/tasks gets a task,
// whose watch may outlast any request (up to TASK_MAX_DURATION_SECONDS), reports each poll as the task's
// status message, stops at `tasks/cancel`, and ends with the change summary as its result. Every other
// call (no extension, 2025 sessions) is today's bounded watch, reporting each change as log and progress
// notifications on the request's stream.
import {
  CLIENT_CAPABILITIES_META_KEY,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { cachedJsonSchema, type LambdaMcpContext, registerTaskTool, TASKS_EXTENSION_ID } from 'lambda-mcp';
import type { AwsMonitorDeps } from '../app.js';
import { toolText } from '../tool-text.js';
import { awsClientsFor } from './clients.js';
import { explainAwsError, missingConfigurationMessage } from './errors.js';
import { listResources, type Resource, type ResourceType } from './inventory.js';
import { type DurationPlan, planDuration, planTaskDuration, TASK_TTL_MS } from './plan.js';
import { RequestReporter, TaskStatusReporter, type WatchReporter } from './report.js';
import { MonitorOutput, monitorInput } from './schema.js';
import { plannedPolls, summaryLine, watch } from './watch.js';

export {
  LAMBDA_SAFETY_MARGIN_MS,
  planDuration,
  planTaskDuration,
  TASK_MAX_DURATION_SECONDS,
  TASK_TTL_MS,
} from './plan.js';
export { MonitorOutput, monitorInput } from './schema.js';
export { MAX_LISTED_CHANGES } from './watch.js';

/** How the monitor is registered: as a task tool (behind lambda-mcp) or as a plain tool (any other host). */
export interface MonitorToolOptions {
  /** Default true. False for a host without lambda-mcp's task runtime (the SDK's bare `createMcpHandler`). */
  tasks?: boolean;
}

/**
 * Whether this run of the handler is a task's. `registerTaskTool` creates a task, without calling the
 * handler, for every call of an `optional` tool that declares the extension on lambda-mcp's modern leg; so
 * there the handler meets such a call only inside the task's run. 2025 sessions never run tasks.
 */
function runsAsTask(call: ServerContext, ctx: LambdaMcpContext, tasks: boolean): boolean {
  if (!tasks || ctx.session) return false;
  const capabilities = (call.mcpReq.envelope as Record<string, unknown> | undefined)?.[
    CLIENT_CAPABILITIES_META_KEY
  ] as { extensions?: Record<string, unknown> } | undefined;
  const declared = capabilities?.extensions?.[TASKS_EXTENSION_ID];
  return typeof declared === 'object' && declared !== null;
}

/** The output schema, its JSON Schema computed once per instance (each request registers the tool anew). */
const MONITOR_OUTPUT = cachedJsonSchema(MonitorOutput);

/**
 * Registers `aws_real_time_monitor` on a server built for the request described by `ctx`.
 *
 * @example
 * registerMonitorTool(server, ctx, deps);
 */
export function registerMonitorTool(
  server: McpServer,
  ctx: LambdaMcpContext,
  deps: AwsMonitorDeps,
  options: MonitorToolOptions = {},
): void {
  const tasks = options.tasks ?? true;
  const { title, description } = toolText(deps, 'aws_real_time_monitor');
  const config = {
    title,
    description,
    inputSchema: monitorInput(deps),
    outputSchema: MONITOR_OUTPUT,
    annotations: { readOnlyHint: true, openWorldHint: true },
  };
  type Args = ReturnType<ReturnType<typeof monitorInput>['parse']>;
  const handler = (args: Args, call: ServerContext) =>
    monitor(args, call, ctx, deps, runsAsTask(call, ctx, tasks));
  if (!tasks) {
    server.registerTool('aws_real_time_monitor', config, handler);
    return;
  }
  registerTaskTool(
    server,
    'aws_real_time_monitor',
    {
      ...config,
      taskSupport: 'optional',
      ttlMs: TASK_TTL_MS,
      // A poll of the task more often than the watch polls AWS could not show anything new.
      pollIntervalMs: deps.config.monitor.defaultIntervalMs,
    },
    handler,
  );
}

/** One call of the tool, a plain one or a task's run. */
async function monitor(
  args: ReturnType<ReturnType<typeof monitorInput>['parse']>,
  call: ServerContext,
  ctx: LambdaMcpContext,
  deps: AwsMonitorDeps,
  asTask: boolean,
) {
  const type = args.resource_type;
  const intervalMs = args.interval_ms ?? deps.config.monitor.defaultIntervalMs;
  const filterTags =
    args.filter_tags && Object.keys(args.filter_tags).length > 0 ? args.filter_tags : undefined;
  // Inside a task on the streaming entry this is the invocation that created the task and keeps running it.
  const remainingMs = ctx.lambdaContext?.getRemainingTimeInMillis?.();
  const plan = planFor(args.duration_seconds, asTask, remainingMs, deps);
  const clients = awsClientsFor(deps);
  const requestedRegion = args.region ?? deps.config.runtime.region;

  const client = await clients.get(type, requestedRegion);
  const configured = await checkConfiguration(client, type, requestedRegion);
  if ('error' in configured) return toolError(configured.error);
  const region = configured.region;

  // In Lambda, in-flight AWS calls are abandoned a second before the invocation would time out.
  const signals = [call.mcpReq.signal];
  if (remainingMs !== undefined) signals.push(AbortSignal.timeout(Math.max(0, remainingMs - 1000)));
  const signal = signals.length > 1 ? AbortSignal.any(signals) : call.mcpReq.signal;
  const list = () =>
    listResources(type, client, {
      ...(filterTags && { filterTags }),
      abortSignal: signal,
    });

  const started = Date.now();
  let first: Resource[];
  try {
    first = await list();
  } catch (error) {
    return toolError(explainAwsError(error, type).message);
  }
  const reporter: WatchReporter = asTask
    ? new TaskStatusReporter(call, plannedPolls(plan, intervalMs))
    : new RequestReporter(call, started, plan.effectiveMs);
  const result = await watch({
    type,
    region,
    ...(filterTags && { filterTags }),
    requestedSeconds: args.duration_seconds,
    intervalMs,
    plan,
    list,
    started,
    first,
    signal,
    cancelled: () => call.mcpReq.signal.aborted,
    reporter,
  });
  return {
    content: [
      { type: 'text' as const, text: summaryLine(result) },
      { type: 'text' as const, text: JSON.stringify(result, null, 2) },
    ],
    structuredContent: result,
  };
}

/**
 * The watch's duration. A plain call keeps today's caps (`monitor.maxDurationSeconds`, the invocation's time
 * left). A task's run is capped by the task limits and the time left to the invocation running it; on a
 * Lambda run that cannot tell its time left (the lambda-async worker, whose Lambda context does not reach the
 * tool), the configured cap applies as for a plain call, which the operator keeps below the function timeout.
 */
function planFor(
  requestedSeconds: number,
  asTask: boolean,
  remainingMs: number | undefined,
  deps: AwsMonitorDeps,
): DurationPlan {
  const { maxDurationSeconds } = deps.config.monitor;
  if (!asTask || (remainingMs === undefined && deps.config.runtime.inLambda)) {
    return planDuration(requestedSeconds, maxDurationSeconds, remainingMs);
  }
  return planTaskDuration(requestedSeconds, {
    ttlMs: TASK_TTL_MS,
    ...(remainingMs !== undefined && { remainingMs }),
  });
}

/** Resolves the client's region and credentials up front, so a missing one is named (both, when both are). */
async function checkConfiguration(
  client: { config: { region: () => Promise<string>; credentials?: () => Promise<unknown> } },
  type: ResourceType,
  requestedRegion: string | undefined,
): Promise<{ region: string } | { error: string }> {
  let region = requestedRegion;
  const missing = { region: false, credentials: false };
  const other: string[] = [];
  try {
    region = await client.config.region();
  } catch (error) {
    const explained = explainAwsError(error, type);
    if (explained.kind === 'region') missing.region = true;
    else other.push(explained.message);
  }
  try {
    await client.config.credentials?.();
  } catch (error) {
    const explained = explainAwsError(error, type);
    if (explained.kind === 'credentials') missing.credentials = true;
    else other.push(explained.message);
  }
  if (missing.region || missing.credentials) return { error: missingConfigurationMessage(missing) };
  if (other.length > 0 || !region)
    return { error: other.join(' ') || 'The AWS configuration could not be resolved.' };
  return { region };
}

function toolError(message: string) {
  return { content: [{ type: 'text' as const, text: message }], isError: true };
}
