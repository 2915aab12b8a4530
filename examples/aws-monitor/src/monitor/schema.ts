// The schemas of `aws_real_time_monitor`: its input (bounds from the configuration) and its structured
// result, the same whether the watch ran inside one request or as a task (SEP-2663).
import { cachedJsonSchema } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from '../app.js';
import { RESOURCE_TYPES } from './inventory.js';
import { CUT_SHORT_REASONS, TASK_MAX_DURATION_SECONDS } from './plan.js';

const DetailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ResourceOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(RESOURCE_TYPES),
  state: z.string(),
  details: z.record(z.string(), DetailValue),
  tags: z.record(z.string(), z.string()).optional(),
});

/** One resource added, removed or changed between two polls. */
export const ChangeEvent = z.object({
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
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/** The structured result of `aws_real_time_monitor` (a task's result too). */
export const MonitorOutput = z.object({
  resourceType: z.enum(RESOURCE_TYPES),
  region: z.string(),
  filterTags: z.record(z.string(), z.string()).optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  requestedDurationSeconds: z.number(),
  /** The duration actually planned, after the configured (or task) and Lambda-time caps. */
  durationSeconds: z.number(),
  intervalMs: z.number().int(),
  polls: z.number().int().describe('Successful polls, the first snapshot included'),
  cutShort: z
    .object({
      reason: z.enum(CUT_SHORT_REASONS),
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
export type MonitorResult = z.infer<typeof MonitorOutput>;

/**
 * The tool's input schema; `interval_ms` defaults to the configured `monitor.defaultIntervalMs`.
 *
 * @example
 * monitorInput(deps).parse({ resource_type: 'EC2', duration_seconds: 60 });
 */
export function monitorInput(deps: Pick<AwsMonitorDeps, 'config'>) {
  // Built once per configuration: every request registers the tool on a fresh server, and building this
  // zod object took about 0.1 ms of each request (a fifth of a warm 2026-07-28 tools/call).
  const cached = inputs.get(deps.config.monitor);
  if (cached) return cached;
  const schema = cachedJsonSchema(buildMonitorInput(deps.config.monitor));
  inputs.set(deps.config.monitor, schema);
  return schema;
}

/** {@link monitorInput} by the configuration it was built from. */
const inputs = new WeakMap<AwsMonitorDeps['config']['monitor'], ReturnType<typeof buildMonitorInput>>();

function buildMonitorInput({ defaultIntervalMs, maxDurationSeconds }: AwsMonitorDeps['config']['monitor']) {
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
      .max(TASK_MAX_DURATION_SECONDS)
      .default(0)
      .describe(
        `How long to keep polling; 0 = one snapshot. Capped at ${maxDurationSeconds} s and by the ` +
          `remaining Lambda time; as a task (io.modelcontextprotocol/tasks) up to ` +
          `${TASK_MAX_DURATION_SECONDS} s, within the task's lifetime and the Lambda time of the run`,
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
