// The `aws_real_time_monitor` tool: lists one resource type in a region and polls it for `duration_seconds`,
// reporting each resource added, removed or changed as log and progress notifications on the request's
// stream; answers the final inventory and a change summary, or a tool error that says what to fix.
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { LambdaMcpContext } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from '../app.js';
import { toolText } from '../tool-text.js';
import { awsClientsFor } from './clients.js';
import { diffInventories, type FieldChange } from './diff.js';
import { explainAwsError, missingConfigurationMessage } from './errors.js';
import { listResources, RESOURCE_TYPES, type Resource, type ResourceType } from './inventory.js';

/** Time kept free at the end of a Lambda invocation to answer after the last poll. */
export const LAMBDA_SAFETY_MARGIN_MS = 3000;
/** Most change events the result lists (the latest ones); the summary still counts them all. */
export const MAX_LISTED_CHANGES = 500;
const LOGGER = 'aws_real_time_monitor';

const DetailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ResourceOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(RESOURCE_TYPES),
  state: z.string(),
  details: z.record(z.string(), DetailValue),
  tags: z.record(z.string(), z.string()).optional(),
});

const ChangeEvent = z.object({
  at: z.string().describe('ISO timestamp of the poll that saw the change'),
  kind: z.enum(['added', 'removed', 'changed']),
  id: z.string(),
  name: z.string(),
  state: z.string(),
  changes: z
    .array(z.object({ field: z.string(), before: DetailValue, after: DetailValue }))
    .optional()
    .describe('For `changed`: the fields that differ'),
});
type ChangeEvent = z.infer<typeof ChangeEvent>;

/** The structured result of `aws_real_time_monitor`. */
export const MonitorOutput = z.object({
  resourceType: z.enum(RESOURCE_TYPES),
  region: z.string(),
  filterTags: z.record(z.string(), z.string()).optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  requestedDurationSeconds: z.number(),
  /** The duration actually planned, after the configured and Lambda-time caps. */
  durationSeconds: z.number(),
  intervalMs: z.number().int(),
  polls: z.number().int().describe('Successful polls, the first snapshot included'),
  cutShort: z
    .object({
      reason: z.enum(['maxDurationSeconds', 'lambdaRemainingTime']),
      requestedSeconds: z.number(),
      allowedSeconds: z.number(),
      message: z.string(),
    })
    .optional()
    .describe('Present when the duration was shortened'),
  stoppedEarly: z
    .object({ reason: z.enum(['cancelled', 'lambdaRemainingTime', 'error']), message: z.string() })
    .optional(),
  /** When the inventory below was read (the last successful poll). */
  inventoryAt: z.string(),
  inventory: z.array(ResourceOutput),
  summary: z.object({
    total: z.number().int(),
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
    timestamp: z.string(),
  }),
  changes: z.array(ChangeEvent),
  changesOmitted: z.number().int().optional(),
  pollErrors: z.array(z.string()).optional(),
});
type MonitorResult = z.infer<typeof MonitorOutput>;

/** The tool's input schema; `interval_ms` defaults to the configured `monitor.defaultIntervalMs`. */
export function monitorInput(deps: Pick<AwsMonitorDeps, 'config'>) {
  const { defaultIntervalMs, maxDurationSeconds } = deps.config.monitor;
  return z.object({
    resource_type: z
      .enum(RESOURCE_TYPES)
      .describe('What to list: DynamoDB tables, Lambda functions, EC2 instances or SQS queues'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z0-9]+){2,3}$/, 'an AWS region such as us-east-1')
      .optional()
      .describe('AWS region; default AWS_REGION / AWS_DEFAULT_REGION or the profile region'),
    duration_seconds: z
      .number()
      .int()
      .min(0)
      .max(900)
      .default(0)
      .describe(
        `How long to keep polling; 0 = one snapshot. Capped at ${maxDurationSeconds} s and by the ` +
          'remaining Lambda time',
      ),
    interval_ms: z
      .number()
      .int()
      .min(1000)
      .max(60_000)
      .optional()
      .describe(`Time between polls, 1000-60000 ms; default ${defaultIntervalMs}`),
    filter_tags: z
      .record(z.string().min(1).max(128), z.string().max(256))
      .refine((tags) => Object.keys(tags).length <= 20, 'at most 20 tags')
      .optional()
      .describe('Keep only resources carrying all these tags with exactly these values'),
  });
}

/** How long a run may poll: the request, capped by the configuration and by the Lambda time left. */
export interface DurationPlan {
  effectiveMs: number;
  cutShort?: NonNullable<MonitorResult['cutShort']>;
}

/**
 * Caps `requestedSeconds` by `maxSeconds` and by `remainingMs` minus the safety margin (when running in
 * Lambda), and says which cap applied.
 *
 * @example
 * planDuration(600, 840, 120_000);
 * // { effectiveMs: 117_000, cutShort: { reason: 'lambdaRemainingTime', ... } }
 */
export function planDuration(
  requestedSeconds: number,
  maxSeconds: number,
  remainingMs: number | undefined,
  marginMs = LAMBDA_SAFETY_MARGIN_MS,
): DurationPlan {
  const requestedMs = requestedSeconds * 1000;
  const configMs = maxSeconds * 1000;
  const lambdaMs = remainingMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, remainingMs - marginMs);
  const effectiveMs = Math.min(requestedMs, configMs, lambdaMs);
  if (effectiveMs >= requestedMs) return { effectiveMs };
  const byLambda = lambdaMs < configMs;
  const allowedSeconds = Math.floor(effectiveMs / 100) / 10;
  return {
    effectiveMs,
    cutShort: {
      reason: byLambda ? 'lambdaRemainingTime' : 'maxDurationSeconds',
      requestedSeconds,
      allowedSeconds,
      message: byLambda
        ? `Cut short to ${allowedSeconds} s: the Lambda invocation has ` +
          `${Math.round((remainingMs ?? 0) / 1000)} s left ` +
          `and ${marginMs / 1000} s are kept to answer. Raise the function timeout for longer runs.`
        : `Cut short to ${allowedSeconds} s: monitor.maxDurationSeconds in data/mcp_config.json allows ` +
          `at most ${maxSeconds} s.`,
    },
  };
}

/** Registers `aws_real_time_monitor` on a server built for the request described by `ctx`. */
export function registerMonitorTool(server: McpServer, ctx: LambdaMcpContext, deps: AwsMonitorDeps): void {
  const { title, description } = toolText(deps, 'aws_real_time_monitor');
  server.registerTool(
    'aws_real_time_monitor',
    {
      title,
      description,
      inputSchema: monitorInput(deps),
      outputSchema: MonitorOutput,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (args, call) => {
      const type = args.resource_type;
      const intervalMs = args.interval_ms ?? deps.config.monitor.defaultIntervalMs;
      const filterTags =
        args.filter_tags && Object.keys(args.filter_tags).length > 0 ? args.filter_tags : undefined;
      const remainingMs = ctx.lambdaContext?.getRemainingTimeInMillis?.();
      const plan = planDuration(args.duration_seconds, deps.config.monitor.maxDurationSeconds, remainingMs);
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
      let inventory: Resource[];
      try {
        inventory = await list();
      } catch (error) {
        return toolError(explainAwsError(error, type).message);
      }
      let inventoryAt = Date.now();
      const reporter = new Reporter(call, started, plan.effectiveMs);
      const events: ChangeEvent[] = [];
      const counts = { added: 0, removed: 0, changed: 0 };
      const pollErrors: string[] = [];
      let polls = 1;
      let stoppedEarly: MonitorResult['stoppedEarly'];

      if (plan.effectiveMs > 0) {
        await reporter.send(
          `${type} in ${region}: ${inventory.length} ${noun(type, inventory.length)} at start; ` +
            `polling every ${intervalMs} ms for ${plan.effectiveMs / 1000} s`,
        );
        const deadline = started + plan.effectiveMs;
        let nextAt = started + intervalMs;
        while (nextAt <= deadline) {
          await sleep(nextAt - Date.now(), signal);
          if (signal.aborted) break;
          const pollStart = Date.now();
          // Polls keep to the interval grid from the start; a slow poll skips the slots it overran.
          nextAt += intervalMs;
          let current: Resource[];
          try {
            current = await list();
          } catch (error) {
            if (signal.aborted) break;
            const explained = explainAwsError(error, type);
            pollErrors.push(`${new Date(pollStart).toISOString()}: ${explained.message}`);
            await reporter.send(`poll failed: ${explained.message}`, 'warning');
            if (['region', 'credentials', 'expired', 'rejected', 'denied'].includes(explained.kind)) {
              stoppedEarly = { reason: 'error', message: explained.message };
              break;
            }
            continue;
          } finally {
            if (nextAt < Date.now()) nextAt = Date.now();
          }
          polls++;
          const at = new Date(pollStart).toISOString();
          const diff = diffInventories(inventory, current);
          for (const resource of diff.added) {
            counts.added++;
            events.push(event(at, 'added', resource));
            await reporter.send(`added: ${label(resource)} (${resource.state})`);
          }
          for (const resource of diff.removed) {
            counts.removed++;
            events.push(event(at, 'removed', resource));
            await reporter.send(`removed: ${label(resource)} (was ${resource.state})`);
          }
          for (const { after, changes } of diff.changed) {
            counts.changed++;
            events.push({ ...event(at, 'changed', after), changes });
            await reporter.send(`changed: ${label(after)} ${describeChanges(changes)}`);
          }
          inventory = current;
          inventoryAt = pollStart;
        }
        if (signal.aborted) {
          stoppedEarly = call.mcpReq.signal.aborted
            ? { reason: 'cancelled', message: 'The request was cancelled; polling stopped.' }
            : {
                reason: 'lambdaRemainingTime',
                message: 'Polling stopped one second before the Lambda invocation would time out.',
              };
        }
      }

      const finished = new Date();
      const listed = events.slice(-MAX_LISTED_CHANGES);
      const result: MonitorResult = {
        resourceType: type,
        region,
        ...(filterTags && { filterTags }),
        startedAt: new Date(started).toISOString(),
        finishedAt: finished.toISOString(),
        requestedDurationSeconds: args.duration_seconds,
        durationSeconds: plan.effectiveMs / 1000,
        intervalMs,
        polls,
        ...(plan.cutShort && { cutShort: plan.cutShort }),
        ...(stoppedEarly && { stoppedEarly }),
        inventoryAt: new Date(inventoryAt).toISOString(),
        inventory,
        summary: { total: inventory.length, ...counts, timestamp: finished.toISOString() },
        changes: listed,
        ...(events.length > listed.length && { changesOmitted: events.length - listed.length }),
        ...(pollErrors.length > 0 && { pollErrors }),
      };
      return {
        content: [
          { type: 'text', text: summaryLine(result) },
          { type: 'text', text: JSON.stringify(result, null, 2) },
        ],
        structuredContent: result,
      };
    },
  );
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

/** Sends each report as a log message and, when the caller asked for progress, a progress notification. */
class Reporter {
  readonly #call: ServerContext;
  readonly #started: number;
  readonly #totalMs: number;
  readonly #token: string | number | undefined;
  #progress = -1;

  constructor(call: ServerContext, started: number, totalMs: number) {
    this.#call = call;
    this.#started = started;
    this.#totalMs = totalMs;
    this.#token = call.mcpReq._meta?.progressToken;
  }

  /** Progress is the elapsed time in ms (of `total`, the planned duration), kept strictly increasing. */
  async send(message: string, level: 'info' | 'warning' = 'info'): Promise<void> {
    // A client that stopped listening must not stop the monitor: notification failures are dropped.
    await this.#call.mcpReq.log(level, message, LOGGER).catch(() => {});
    if (this.#token === undefined) return;
    const elapsed = Math.min(Date.now() - this.#started, this.#totalMs);
    this.#progress = Math.max(this.#progress + 1, elapsed);
    await this.#call.mcpReq
      .notify({
        method: 'notifications/progress',
        params: { progressToken: this.#token, progress: this.#progress, total: this.#totalMs, message },
      })
      .catch(() => {});
  }
}

function event(at: string, kind: ChangeEvent['kind'], resource: Resource): ChangeEvent {
  return { at, kind, id: resource.id, name: resource.name, state: resource.state };
}

const NOUNS: Record<ResourceType, [string, string]> = {
  DynamoDB: ['table', 'tables'],
  Lambda: ['function', 'functions'],
  EC2: ['instance', 'instances'],
  SQS: ['queue', 'queues'],
};

function noun(type: ResourceType, count: number): string {
  return NOUNS[type][count === 1 ? 0 : 1];
}

function label(resource: Resource): string {
  const name = resource.name === resource.id ? resource.id : `${resource.name} [${resource.id}]`;
  return `${resource.type} ${noun(resource.type, 1)} ${name}`;
}

function describeChanges(changes: FieldChange[]): string {
  return changes
    .map((change) => `${change.field} ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`)
    .join(', ');
}

function summaryLine(result: MonitorResult): string {
  const { summary } = result;
  const lines = [
    `${result.resourceType} in ${result.region}: ` +
      `${summary.total} ${noun(result.resourceType, summary.total)} ` +
      `(as of ${result.inventoryAt}); ${result.polls} poll(s) over ${result.durationSeconds} s: ` +
      `${summary.added} added, ${summary.removed} removed, ${summary.changed} changed.`,
  ];
  if (result.cutShort) lines.push(result.cutShort.message);
  if (result.stoppedEarly) lines.push(result.stoppedEarly.message);
  if (result.pollErrors) lines.push(`${result.pollErrors.length} poll(s) failed; see pollErrors.`);
  return lines.join('\n');
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
