// The DynamoDB client lambda-mcp uses when the caller brings none, and the one wrapper every store call goes
// through: throttling and timeouts are retried by the SDK's own backoff, and every call has one total
// deadline (connection, request and retries together, `timeoutMs`, default 3000 ms) after which it is
// aborted; what still fails becomes a StoreUnavailableError (503) with the SDK error as cause.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreConflictError, StoreUnavailableError } from '../errors.js';
import { TABLE } from './table.js';

/** A client the stores accept: a plain DynamoDB client (wrapped here) or a document client. */
export type DynamoClientInput = DynamoDBClient | DynamoDBDocumentClient;

/** Options of {@link createDynamoClient}. */
export interface DynamoClientOptions {
  /** A custom endpoint (DynamoDB Local, dynalite); default: the SDK's regional endpoint. */
  endpoint?: string;
  /** Total attempts per call, first included. Default 3. */
  maxAttempts?: number;
  /** Timeout per attempt, in ms (an error, not a warning); never more than `timeoutMs`. Default 2000. */
  requestTimeoutMs?: number;
  /**
   * Total deadline of one call, in ms: connection, request and the SDK's retries together. Past it the call
   * is aborted and fails (a StoreUnavailableError from the stores). Default 3000.
   */
  timeoutMs?: number;
  /** Region; default: the SDK's configuration (`AWS_REGION`, profile). */
  region?: string;
  /** Credentials; default: the SDK's provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The total deadline of one DynamoDB call when none is given, in ms (`STORE_TIMEOUT_MS`). */
export const DEFAULT_STORE_TIMEOUT_MS = 3000;

/**
 * A DynamoDB client with a total deadline per call: at the defaults a call (retries included) gives up
 * after 3 s, well inside a Lambda timeout. Region and credentials come from the standard AWS SDK
 * configuration.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  const timeoutMs = checkTimeout(options.timeoutMs);
  const client = new DynamoDBClient({
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.region && { region: options.region }),
    ...(options.credentials && { credentials: options.credentials }),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: Math.min(1000, timeoutMs),
      requestTimeout: Math.min(options.requestTimeoutMs ?? 2000, timeoutMs),
      // Without it the installed @smithy/node-http-handler only logs a warning past requestTimeout.
      throwOnRequestTimeout: true,
    },
  });
  bound(client, client.send.bind(client) as Send, timeoutMs);
  return client;
}

/** The document client over `client` (marshalling plain objects, dropping `undefined` values). */
export function documentClient(client: DynamoClientInput): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The clients whose `send` has a deadline already (set here), with that deadline. */
const deadlines = new WeakMap<object, number>();

/**
 * A document client over `client` whose every call has the total deadline `timeoutMs` (connection, request
 * and the SDK's retries together): the call gets an abort signal that fires at the deadline, and fails then
 * even if the SDK is still between retries. `client` itself is left as it is (its middleware, region and
 * credentials apply); a client from here that already has this deadline is returned unchanged.
 */
export function withDeadline(
  client: DynamoClientInput,
  timeoutMs: number = DEFAULT_STORE_TIMEOUT_MS,
): DynamoDBDocumentClient {
  const ms = checkTimeout(timeoutMs);
  const doc = documentClient(client);
  if (deadlines.get(doc) === ms) return doc;
  // A view of the document client with its own `send`: config and middleware stay the shared ones.
  const view = Object.create(doc) as DynamoDBDocumentClient;
  bound(view, doc.send.bind(doc) as Send, ms);
  return view;
}

/** The deadline error: a call that had no answer (retries included) within `timeoutMs`. */
export class StoreDeadlineError extends Error {
  override readonly name = 'StoreDeadlineError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within the ${timeoutMs} ms store deadline (retries included)`);
  }
}

type Send = (command: unknown, options?: unknown) => Promise<unknown>;

/** Replaces `target.send` by one that aborts each call at the deadline and rejects with StoreDeadlineError. */
function bound(target: { send: unknown }, send: Send, timeoutMs: number): void {
  const deadlineSend: Send = (command, options) => {
    if (typeof options === 'function') throw new TypeError('lambda-mcp store clients take no callbacks');
    const caller = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    const deadline = new AbortController();
    const signal = caller ? AbortSignal.any([caller, deadline.signal]) : deadline.signal;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new StoreDeadlineError(timeoutMs);
        deadline.abort(error);
        // The SDK may sit in a retry delay; the deadline holds regardless.
        reject(error);
      }, timeoutMs);
      send(command, { ...(options as object | undefined), abortSignal: signal }).then(
        (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(deadline.signal.aborted && !caller?.aborted ? new StoreDeadlineError(timeoutMs) : error);
        },
      );
    });
  };
  target.send = deadlineSend;
  deadlines.set(target, timeoutMs);
}

/** A deadline in ms: a whole number from 1 to 600000 (settings check their own narrower range). */
function checkTimeout(timeoutMs: number | undefined): number {
  const ms = timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) {
    throw new RangeError(`timeoutMs must be a whole number of ms from 1 to 600000; got ${timeoutMs}`);
  }
  return ms;
}

/** Whether `error` is a failed condition (a lost race or a missing item), which callers handle themselves. */
export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * A condition failure as an error's `cause`: its name, message and stack, without the stored item DynamoDB
 * sent with it (a whole session or task), so a logged error chain carries no stored data.
 */
export function conditionCause(error: Error): Error {
  const cause = new Error(error.message);
  cause.name = error.name;
  if (error.stack !== undefined) cause.stack = error.stack;
  return cause;
}

/**
 * Runs one store operation. Condition failures pass through for the caller; any other failure (after the
 * SDK's retries) is wrapped in a StoreUnavailableError naming `what`.
 */
export async function storeCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isConditionFailure(error)) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StoreUnavailableError(`DynamoDB ${what} failed: ${reason}`, { cause: error });
  }
}

/**
 * Puts a new item (a session, a task) unless a live one has its key: an expired item still in the table may
 * be overwritten, since every reader treats it as absent. Throws StoreConflictError(`conflict`) otherwise.
 */
export async function putIfAbsent(
  db: DynamoDBDocumentClient,
  options: { tableName: string; item: Record<string, unknown>; now: number; what: string; conflict: string },
): Promise<void> {
  try {
    await storeCall(options.what, () =>
      db.send(
        new PutCommand({
          TableName: options.tableName,
          Item: options.item,
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': options.now },
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new StoreConflictError(options.conflict, undefined, { cause: conditionCause(error) });
    throw error;
  }
}

/** A strongly consistent read of one item (a session created on one instance is visible on the next). */
export async function getItem(
  db: DynamoDBDocumentClient,
  options: { tableName: string; key: Record<string, unknown>; what: string },
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await storeCall(options.what, () =>
    db.send(new GetCommand({ TableName: options.tableName, Key: options.key, ConsistentRead: true })),
  );
  return Item;
}

/**
 * What {@link versionedUpdate} did: wrote (the new item), or refused (the condition failure, to keep as the
 * cause of the error that explains it, and the stored item when DynamoDB sent it).
 */
export type VersionedUpdateResult =
  | { written: true; item: Record<string, unknown> | undefined }
  | { written: false; stored: Record<string, unknown> | undefined; failure: Error };

/** Options of {@link versionedUpdate}. */
export interface VersionedUpdateOptions {
  tableName: string;
  key: Record<string, unknown>;
  what: string;
  expectedVersion: number;
  now: number;
  fields: Record<string, unknown>;
  /** A condition on other attributes, checked with the version and expiry (a task's status, say). */
  extraCondition?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

/**
 * Sets `fields` and bumps `version` on an item (a session, a task) only while it is live and still at
 * `expectedVersion`, plus any `extraCondition`. A refusal carries the stored item when DynamoDB returned it
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`); emulators such as dynalite return none.
 */
export async function versionedUpdate(
  db: DynamoDBDocumentClient,
  options: VersionedUpdateOptions,
): Promise<VersionedUpdateResult> {
  const names: Record<string, string> = { '#version': 'version', '#expiresAt': 'expiresAt' };
  const values: Record<string, unknown> = {
    ':expected': options.expectedVersion,
    ':next': options.expectedVersion + 1,
    ':now': options.now,
  };
  const sets = ['#version = :next'];
  for (const [name, value] of Object.entries(options.fields)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const extra = options.extraCondition;
  if (extra) {
    Object.assign(names, extra.names);
    Object.assign(values, extra.values);
  }
  try {
    const { Attributes } = await storeCall(options.what, () =>
      db.send(
        new UpdateCommand({
          TableName: options.tableName,
          Key: options.key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#version = :expected AND #expiresAt > :now${extra ? ` AND ${extra.expression}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return { written: true, item: Attributes };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return {
      written: false,
      stored: error.Item as Record<string, unknown> | undefined,
      failure: conditionCause(error),
    };
  }
}
