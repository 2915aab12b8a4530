// The one error family of lambda-mcp. Every failure the edge can answer is a LambdaMcpError; the edge maps
// each kind to an HTTP status and a JSON-RPC error, so no caller has to guess what a thrown value means.

/** The root of every error lambda-mcp throws on purpose. */
export class LambdaMcpError extends Error {
  override name = 'LambdaMcpError';
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
  ) {
    super(message);
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
  constructor(
    message: string,
    readonly current?: unknown,
  ) {
    super(message);
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
  constructor() {
    super('Invalid cursor');
  }
}
