// The persistence seams of the 2025-era session transport. Each has an in-memory implementation (the
// embedded default) and is designed for a DynamoDB one: conditional create, versioned update, TTL on reads.
import type { JSONRPCMessage, JSONRPCResponse, LoggingLevel } from '@modelcontextprotocol/server';

/** What lambda-mcp remembers of one 2025-era session between requests (and across instances). */
export interface SessionRecord {
  /** Cryptographically random id (>= 128 bits), the `Mcp-Session-Id` header value. */
  id: string;
  /** The protocol version negotiated by `initialize`. */
  protocolVersion: string;
  /** The client's `initialize` params, replayed into every fresh server instance. */
  initializeParams: Record<string, unknown>;
  /** Level set with `logging/setLevel`, replayed too. */
  logLevel?: LoggingLevel;
  /** Resource URIs the client subscribed to with `resources/subscribe`. */
  subscriptions: string[];
  /** Who opened the session (the auth principal), when the caller supplied one. */
  principal?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; refreshed at most once a minute so idle reads stay write-free. */
  lastActiveAt: number;
  /** Epoch milliseconds after which the session is treated as absent. */
  expiresAt: number;
  /** Optimistic-locking version, incremented by every update. */
  version: number;
}

/** The mutable part of a session, for {@link SessionStore.update}. */
export type SessionPatch = Partial<
  Pick<SessionRecord, 'logLevel' | 'subscriptions' | 'lastActiveAt' | 'expiresAt'>
>;

/** Where sessions live. Implementations treat expired records as absent on every read. */
export interface SessionStore {
  /** Stores a new session; throws `StoreConflictError` when the id exists already. */
  create(record: SessionRecord): Promise<void>;
  /** The live session with this id, or `undefined` when unknown, expired or deleted. */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Applies `patch` when the stored version is still `expectedVersion`; resolves the new record.
   * Throws `StoreConflictError` when another writer got there first, `undefined` when the session is gone.
   */
  update(id: string, expectedVersion: number, patch: SessionPatch): Promise<SessionRecord | undefined>;
  /** Removes the session; resolves whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Live sessions, most recently active first, a page at a time (`limit` 1–100). `cursor` is the
   * `nextCursor` of the previous page; a page without `nextCursor` is the last. Summaries only: no stored
   * messages or initialize params.
   */
  list(options: { limit: number; cursor?: string }): Promise<SessionPage>;
}

/** What a session listing shows of each session. */
export interface SessionSummary {
  id: string;
  protocolVersion: string;
  clientInfo: { name: string; version: string };
  principal?: string;
  createdAt: number;
  lastActiveAt: number;
  expiresAt: number;
}

/** One page of {@link SessionStore.list}. */
export interface SessionPage {
  sessions: SessionSummary[];
  nextCursor?: string;
}

/** The sort position of a session in listings: last activity, then id. Also the DynamoDB index sort key. */
export function activityKey(lastActiveAt: number, id: string): string {
  return `${String(lastActiveAt).padStart(15, '0')}#${id}`;
}

/** The summary of a record. */
export function summarize(record: SessionRecord): SessionSummary {
  const info = record.initializeParams.clientInfo as { name?: unknown; version?: unknown } | undefined;
  const summary: SessionSummary = {
    id: record.id,
    protocolVersion: record.protocolVersion,
    clientInfo: { name: String(info?.name ?? ''), version: String(info?.version ?? '') },
    createdAt: record.createdAt,
    lastActiveAt: record.lastActiveAt,
    expiresAt: record.expiresAt,
  };
  if (record.principal !== undefined) summary.principal = record.principal;
  return summary;
}

/** Encodes a listing cursor (opaque to callers). */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** Decodes a listing cursor; `undefined` for anything malformed. */
export function decodeCursor(cursor: string): string | undefined {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^\d{15}#.+$/.test(key) ? key : undefined;
}

/** One stored SSE event of a session. */
export interface StoredEvent {
  /** The SSE event id: `<streamId>.<seq>`; unique across the session's streams. */
  id: string;
  streamId: string;
  /** Position in the session's event log; contiguous, starting at 1. */
  seq: number;
  message: JSONRPCMessage;
}

/** The session's event log, which makes every SSE stream resumable with `Last-Event-ID`. */
export interface EventStore {
  /** Appends a message to the session's log under `streamId`; resolves the stored event. */
  append(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<StoredEvent>;
  /**
   * The events of `streamId` with a sequence number above `afterSeq`, in order, and the session log's
   * last sequence number (0 when empty). With `afterSeq` undefined, returns no events: just the last seq.
   */
  read(
    sessionId: string,
    streamId: string,
    afterSeq?: number,
  ): Promise<{ events: StoredEvent[]; lastSeq: number }>;
  /** Drops the session's whole log. */
  deleteSession(sessionId: string): Promise<void>;
}

/**
 * Carries the client's answers to server-to-client requests (sampling, elicitation, roots) to the request
 * that is waiting for them, which may run in another handler instance.
 */
export interface ResponseMailbox {
  /** Hands over a client's JSON-RPC response; resolves whether a waiter exists or the answer was kept. */
  deliver(sessionId: string, response: JSONRPCResponse): Promise<void>;
  /** Resolves the response to request `requestId` of the session; rejects when `signal` aborts. */
  receive(sessionId: string, requestId: string, signal: AbortSignal): Promise<JSONRPCResponse>;
}

/** Formats an event id. */
export function eventId(streamId: string, seq: number): string {
  return `${streamId}.${seq}`;
}

/** Parses an event id made by {@link eventId}; `undefined` for anything else. */
export function parseEventId(id: string): { streamId: string; seq: number } | undefined {
  const dot = id.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const seq = Number(id.slice(dot + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
  return { streamId: id.slice(0, dot), seq };
}
