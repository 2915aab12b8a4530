// The one error family of lambda-mcp. Every failure the edge can answer is a LambdaMcpError; the edge maps
// each kind to an HTTP status and a JSON-RPC error, so no caller has to guess what a thrown value means.
// Every class takes the standard `ErrorOptions` last, so a wrapped failure keeps its `cause`.
import { isRecord } from './guards.js';

/** The root of every error lambda-mcp throws on purpose. */
export class LambdaMcpError extends Error {
  override name = 'LambdaMcpError';
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A request the edge refuses: carries the HTTP status and JSON-RPC error code to answer with.
 *
 * @example
 * throw new HttpError(404, -32001, 'Session not found');
 */
export class HttpError extends LambdaMcpError {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A persistence backend failed or is unavailable; the edge answers 503 with `Retry-After`. */
export class StoreUnavailableError extends LambdaMcpError {
  override name = 'StoreUnavailableError';
}

/**
 * An optimistic-locking or conditional write lost a race; callers retry. `current` holds the stored state
 * when the backend returned it with the failure (DynamoDB's `ReturnValuesOnConditionCheckFailure`), so the
 * retry needs no second read.
 */
export class StoreConflictError extends LambdaMcpError {
  override name = 'StoreConflictError';
  /** Not enumerable, so a logged error (or one whose cause this is) does not print the stored record. */
  declare readonly current?: unknown;
  constructor(message: string, current?: unknown, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, 'current', { value: current, enumerable: false });
  }
}

/** An item is larger than the store can hold (an SSE event past the configured limit, for one). */
export class StoreItemTooLargeError extends LambdaMcpError {
  override name = 'StoreItemTooLargeError';
}

/** Invalid configuration found at start-up; the message names the setting and what it accepts. */
export class ConfigError extends LambdaMcpError {
  override name = 'ConfigError';
}

/**
 * A task status change the Tasks lifecycle forbids: a terminal task (completed, failed, cancelled) never
 * changes again, and only known statuses are accepted. The stored task is left as it was.
 */
export class TaskStateError extends LambdaMcpError {
  override name = 'TaskStateError';
}

/** A listing cursor that no listing produced; the edge answers invalid params. */
export class InvalidCursorError extends LambdaMcpError {
  override name = 'InvalidCursorError';
  constructor(options?: ErrorOptions) {
    super('Invalid cursor', options);
  }
}

/** Refused event input: a bad type, source or id, data that is not JSON, or an event over the size limit. */
export class InvalidEventError extends LambdaMcpError {
  override name = 'InvalidEventError';
}

/** A Lambda event that is not an HTTP request from API Gateway, a Function URL or an ALB. */
export class UnsupportedEventError extends LambdaMcpError {
  override name = 'UnsupportedEventError';
  constructor(
    readonly event: unknown,
    options?: ErrorOptions,
  ) {
    super(
      `lambda-mcp: unsupported Lambda event (${describeEvent(event)}). toLambdaHandler only handles HTTP ` +
        'requests from API Gateway REST APIs (payload 1.0), HTTP APIs (payload 2.0), Lambda Function URLs ' +
        'and Application Load Balancers.',
      options,
    );
  }
}

// Names the top-level keys only: events can carry tokens and personal data, so their values stay out.
function describeEvent(event: unknown): string {
  if (!isRecord(event)) return event === null ? 'null' : typeof event;
  const keys = Object.keys(event);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 8).join(', ');
  return `an object with keys ${shown}${keys.length > 8 ? ', ...' : ''}`;
}

/**
 * A live stream ended on purpose because its reader fell too far behind: the body errors so its queue is
 * dropped at once, and the client resumes with `Last-Event-ID`. Adapters end the connection without
 * reporting it: nothing failed.
 */
export class StreamCutOffError extends LambdaMcpError {
  override name = 'StreamCutOffError';
}

/**
 * The Lambda invocation's time ran short (its remaining time minus the adapter's margin) before the app had
 * an answer: the adapter answered 503 + `Retry-After` in its place, so the function never runs into its
 * timeout. Reported to the adapter's `onError`; the work still under way is not awaited.
 */
export class InvocationDeadlineError extends LambdaMcpError {
  override name = 'InvocationDeadlineError';
}
