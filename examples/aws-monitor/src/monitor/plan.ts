// How long one `aws_real_time_monitor` watch may run. Inside one request (`planDuration`): the request,
// capped by `monitor.maxDurationSeconds` and by the Lambda invocation's time left. As a task
// (`planTaskDuration`): up to TASK_MAX_DURATION_SECONDS, never past the task's TTL (its result must stay
// readable a while), and never past the time left to the Lambda invocation that runs it.

/** Time kept free at the end of a Lambda invocation to answer (or write the task's result) after the last poll. */
export const LAMBDA_SAFETY_MARGIN_MS = 3000;
/** The longest watch a task runs, whatever the configuration allows a single request. */
export const TASK_MAX_DURATION_SECONDS = 900;
/** How long a monitor task is kept, from its creation (the tool's `ttlMs`). */
export const TASK_TTL_MS = 3_600_000;
/** The least time a task's result stays readable after its watch ends, taken off the TTL. */
export const TASK_RESULT_KEEP_MS = 60_000;

/** Why a watch was planned shorter than requested. */
export const CUT_SHORT_REASONS = [
  'maxDurationSeconds',
  'lambdaRemainingTime',
  'taskMaxDurationSeconds',
  'taskTtl',
] as const;
export type CutShortReason = (typeof CUT_SHORT_REASONS)[number];

/** How long a run may poll, and which cap shortened it. */
export interface DurationPlan {
  effectiveMs: number;
  cutShort?: { reason: CutShortReason; requestedSeconds: number; allowedSeconds: number; message: string };
}

/** One upper bound of a plan: its limit in ms and the sentence that explains it. */
interface Cap {
  reason: CutShortReason;
  ms: number;
  explain: (allowedSeconds: number) => string;
}

/** The request capped by the smallest of `caps`, saying which one applied. */
function capped(requestedSeconds: number, caps: Cap[]): DurationPlan {
  const requestedMs = requestedSeconds * 1000;
  let binding: Cap | undefined;
  for (const cap of caps) if (cap.ms < requestedMs && (!binding || cap.ms < binding.ms)) binding = cap;
  if (!binding) return { effectiveMs: requestedMs };
  const effectiveMs = binding.ms;
  const allowedSeconds = Math.floor(effectiveMs / 100) / 10;
  return {
    effectiveMs,
    cutShort: {
      reason: binding.reason,
      requestedSeconds,
      allowedSeconds,
      message: binding.explain(allowedSeconds),
    },
  };
}

/** The cap of the Lambda invocation's time left, minus the margin kept to answer. */
function lambdaCap(remainingMs: number | undefined, marginMs: number, what: string): Cap[] {
  if (remainingMs === undefined) return [];
  return [
    {
      reason: 'lambdaRemainingTime',
      ms: Math.max(0, remainingMs - marginMs),
      explain: (allowed) =>
        `Cut short to ${allowed} s: ${what} has ${Math.round(remainingMs / 1000)} s left ` +
        `and ${marginMs / 1000} s are kept to answer. Raise the function timeout for longer runs.`,
    },
  ];
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
  return capped(requestedSeconds, [
    {
      reason: 'maxDurationSeconds',
      ms: maxSeconds * 1000,
      explain: (allowed) =>
        `Cut short to ${allowed} s: monitor.maxDurationSeconds in data/mcp_config.json allows ` +
        `at most ${maxSeconds} s.`,
    },
    ...lambdaCap(remainingMs, marginMs, 'the Lambda invocation'),
  ]);
}

/** What bounds a watch that runs as a task. */
export interface TaskLimits {
  /** The task's TTL from its creation (the tool's `ttlMs`). */
  ttlMs: number;
  /** Time left to the Lambda invocation running the task, when it runs in one that says so. */
  remainingMs?: number;
  marginMs?: number;
}

/**
 * Caps a task's watch by {@link TASK_MAX_DURATION_SECONDS}, by its TTL less {@link TASK_RESULT_KEEP_MS}, and by
 * the running invocation's time left less the safety margin; says which cap applied.
 *
 * @example
 * planTaskDuration(900, { ttlMs: 3_600_000, remainingMs: 60_000 });
 * // { effectiveMs: 57_000, cutShort: { reason: 'lambdaRemainingTime', ... } }
 */
export function planTaskDuration(requestedSeconds: number, limits: TaskLimits): DurationPlan {
  const { ttlMs, remainingMs, marginMs = LAMBDA_SAFETY_MARGIN_MS } = limits;
  return capped(requestedSeconds, [
    {
      reason: 'taskMaxDurationSeconds',
      ms: TASK_MAX_DURATION_SECONDS * 1000,
      explain: (allowed) =>
        `Cut short to ${allowed} s: a monitor task watches for at most ${TASK_MAX_DURATION_SECONDS} s.`,
    },
    {
      reason: 'taskTtl',
      ms: Math.max(0, ttlMs - TASK_RESULT_KEEP_MS),
      explain: (allowed) =>
        `Cut short to ${allowed} s: the task is kept ${ttlMs / 1000} s from its creation and its result ` +
        `must stay readable for ${TASK_RESULT_KEEP_MS / 1000} s after the watch.`,
    },
    ...lambdaCap(remainingMs, marginMs, 'the Lambda invocation running the task'),
  ]);
}
