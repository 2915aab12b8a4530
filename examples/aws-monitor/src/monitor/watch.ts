// The polling loop of `aws_real_time_monitor`: the first snapshot, then one listing per interval until the
// planned duration ends, the signal aborts (a cancellation, the Lambda deadline) or AWS refuses for good;
// every difference becomes a change event and a report. The same loop serves a plain call and a task.
import { diffInventories, type FieldChange } from './diff.js';
import { explainAwsError } from './errors.js';
import type { Resource, ResourceType } from './inventory.js';
import type { DurationPlan } from './plan.js';
import type { WatchReporter } from './report.js';
import type { ChangeEvent, MonitorResult } from './schema.js';

/** Most change events the result lists (the latest ones); the summary still counts them all. */
export const MAX_LISTED_CHANGES = 500;

/** Kinds of AWS errors after which polling again cannot succeed. */
const FATAL = ['region', 'credentials', 'expired', 'rejected', 'denied'];

/** One watch: what to list, how often, for how long, and where to report. */
export interface WatchPlan {
  type: ResourceType;
  region: string;
  filterTags?: Record<string, string>;
  requestedSeconds: number;
  intervalMs: number;
  plan: DurationPlan;
  /** Lists the resources once (with the watch's abort signal). */
  list: () => Promise<Resource[]>;
  /** When the first snapshot was started (epoch ms), and what it listed. */
  started: number;
  first: Resource[];
  /** Aborts the watch: the caller's signal, possibly with the Lambda deadline. */
  signal: AbortSignal;
  /** Whether the abort was the caller's (a cancellation) rather than the Lambda deadline. */
  cancelled: () => boolean;
  reporter: WatchReporter;
}

/** How many polls a plan makes when none overruns its slot: the first snapshot and one per interval. */
export function plannedPolls(plan: DurationPlan, intervalMs: number): number {
  return 1 + Math.floor(plan.effectiveMs / intervalMs);
}

/**
 * Runs the watch on from its first snapshot (taken by the caller, which answers a tool error when it fails);
 * later failures are recorded in `pollErrors`, and stop the watch when polling again cannot help.
 *
 * @example
 * const started = Date.now();
 * const result = await watch({ type: 'EC2', region, requestedSeconds: 60, intervalMs: 5000, plan, list,
 *   started, first: await list(), signal, cancelled: () => signal.aborted, reporter });
 */
export async function watch(w: WatchPlan): Promise<MonitorResult> {
  const { type, intervalMs, plan, signal, reporter, started } = w;
  let inventory = w.first;
  let inventoryAt = Date.now();
  const events: ChangeEvent[] = [];
  const counts = { added: 0, removed: 0, changed: 0 };
  const pollErrors: string[] = [];
  let polls = 1;
  let attempts = 1;
  let stoppedEarly: MonitorResult['stoppedEarly'];

  if (plan.effectiveMs > 0) {
    await reporter.started(
      `${type} in ${w.region}: ${inventory.length} ${noun(type, inventory.length)} at start; ` +
        `polling every ${intervalMs} ms for ${plan.effectiveMs / 1000} s`,
    );
    const deadline = started + plan.effectiveMs;
    let nextAt = started + intervalMs;
    while (nextAt <= deadline) {
      await sleep(nextAt - Date.now(), signal);
      if (signal.aborted) break;
      const pollStart = Date.now();
      attempts++;
      // Polls keep to the interval grid from the start; a slow poll skips the slots it overran.
      nextAt += intervalMs;
      let current: Resource[];
      try {
        current = await w.list();
      } catch (error) {
        if (signal.aborted) break;
        const explained = explainAwsError(error, type);
        pollErrors.push(`${new Date(pollStart).toISOString()}: ${explained.message}`);
        await reporter.failed(attempts, explained.message);
        if (FATAL.includes(explained.kind)) {
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
      let latest: string | undefined;
      for (const resource of diff.added) {
        counts.added++;
        events.push(event(at, 'added', resource));
        latest = `added: ${label(resource)} (${resource.state})`;
        await reporter.change(latest);
      }
      for (const resource of diff.removed) {
        counts.removed++;
        events.push(event(at, 'removed', resource));
        latest = `removed: ${label(resource)} (was ${resource.state})`;
        await reporter.change(latest);
      }
      for (const { after, changes } of diff.changed) {
        counts.changed++;
        events.push({ ...event(at, 'changed', after), changes });
        latest = `changed: ${label(after)} ${describeChanges(changes)}`;
        await reporter.change(latest);
      }
      inventory = current;
      inventoryAt = pollStart;
      await reporter.polled(attempts, events.length, latest);
    }
    if (signal.aborted) {
      stoppedEarly = w.cancelled()
        ? { reason: 'cancelled', message: 'The request was cancelled; polling stopped.' }
        : {
            reason: 'lambdaRemainingTime',
            message: 'Polling stopped one second before the Lambda invocation would time out.',
          };
    }
  }

  const finished = new Date();
  const listed = events.slice(-MAX_LISTED_CHANGES);
  return {
    resourceType: type,
    region: w.region,
    ...(w.filterTags && { filterTags: w.filterTags }),
    startedAt: new Date(started).toISOString(),
    finishedAt: finished.toISOString(),
    requestedDurationSeconds: w.requestedSeconds,
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
}

/** The one-paragraph text of a result, first in its content. */
export function summaryLine(result: MonitorResult): string {
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
