// The 2025 session record over its store: finding the caller's session from the request headers, creating
// it after `initialize`, and the versioned (optimistic-locking) updates that keep it current: the activity
// refresh, written at most once a minute, and what `logging/setLevel` and `resources/(un)subscribe` change.
import type { AuthInfo, JSONRPCRequest, LoggingLevel } from '@modelcontextprotocol/server';
import { HttpError, StoreConflictError, StoreUnavailableError } from '../errors.js';
import { RpcCode } from '../http/responses.js';
import { principalOf } from '../principal.js';
import type { SessionPatch, SessionRecord, SessionStore } from '../stores/types.js';
import { LEGACY_PROTOCOL_VERSIONS } from './versions.js';

/** Versioned-update attempts before a session counts as too contended to write (503). */
const MAX_UPDATE_ATTEMPTS = 32;

/** Refresh `lastActiveAt` at most this often, so reads of an active session stay write-free. */
const TOUCH_INTERVAL_MS = 60_000;

/** The longest `Mcp-Session-Id` worth asking the store about (the ids this server mints have 32 chars). */
export const MAX_SESSION_ID_LENGTH = 256;

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Whether `id` could be a session id this server minted: base64url characters, sanely short. */
export function isPlausibleSessionId(id: string): boolean {
  return id.length <= MAX_SESSION_ID_LENGTH && SESSION_ID_PATTERN.test(id);
}

/** The record `initialize` creates, once the server answered it. */
export function newSessionRecord(o: {
  id: string;
  protocolVersion: string;
  initializeParams: Record<string, unknown>;
  now: number;
  idleMs: number;
  authInfo: AuthInfo | undefined;
}): SessionRecord {
  const record: SessionRecord = {
    id: o.id,
    protocolVersion: o.protocolVersion,
    initializeParams: o.initializeParams,
    subscriptions: [],
    createdAt: o.now,
    lastActiveAt: o.now,
    expiresAt: o.now + o.idleMs,
    version: 1,
  };
  const principal = principalOf(o.authInfo);
  if (principal !== undefined) record.principal = principal;
  return record;
}

/**
 * Checks the session headers and loads the session: 400 without a header, 404 when it is gone or belongs
 * to another principal (a session id alone must not let one caller act as another).
 */
export async function loadSession(
  sessions: SessionStore,
  request: Request,
  authInfo?: AuthInfo,
): Promise<SessionRecord> {
  const id = request.headers.get('mcp-session-id');
  if (!id) throw new HttpError(400, RpcCode.ServerError, 'Bad Request: Mcp-Session-Id header is required');
  const version = request.headers.get('mcp-protocol-version');
  if (version !== null && !LEGACY_PROTOCOL_VERSIONS.includes(version)) {
    throw new HttpError(
      400,
      RpcCode.ServerError,
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ${LEGACY_PROTOCOL_VERSIONS.join(', ')})`,
    );
  }
  // An id this server cannot have minted names no session: 404 without asking the store (whose keys have
  // limits of their own, e.g. DynamoDB's 2 KB, that would otherwise turn it into a 503).
  if (!isPlausibleSessionId(id)) throw new HttpError(404, RpcCode.SessionNotFound, 'Session not found');
  const session = await sessions.get(id);
  if (!session || (session.principal !== undefined && session.principal !== principalOf(authInfo))) {
    throw new HttpError(404, RpcCode.SessionNotFound, 'Session not found');
  }
  return session;
}

/** Keeps an active session alive, writing at most once a minute; 404 when it is gone meanwhile. */
export async function touchSession(
  sessions: SessionStore,
  session: SessionRecord,
  now: number,
  idleMs: number,
): Promise<SessionRecord> {
  if (now - session.lastActiveAt < TOUCH_INTERVAL_MS) return session;
  const updated = await updateSession(sessions, session, () => ({
    lastActiveAt: now,
    expiresAt: now + idleMs,
  }));
  if (!updated) throw new HttpError(404, RpcCode.SessionNotFound, 'Session not found');
  return updated;
}

/**
 * A versioned update, re-read and retried when another writer won the race; resolves the new record, or
 * `undefined` when the session is gone. `patch` sees the current record on every attempt.
 */
export async function updateSession(
  sessions: SessionStore,
  session: SessionRecord,
  patch: (current: SessionRecord) => SessionPatch,
): Promise<SessionRecord | undefined> {
  let current: SessionRecord | undefined = session;
  let lost: StoreConflictError | undefined;
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS && current; attempt++) {
    // After two lost races in a row, back off a random few ms so a burst of writers spreads out.
    if (attempt >= 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    try {
      return await sessions.update(current.id, current.version, patch(current));
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      lost = error;
      // The store returns the winner's record with the conflict when it can; otherwise read it.
      current = (error.current as SessionRecord | undefined) ?? (await sessions.get(session.id));
    }
  }
  if (!current) return undefined;
  throw new StoreUnavailableError(`Session ${session.id} is updated too often to write`, { cause: lost });
}

/** What a successful request changes in the stored session, if anything. */
export function sessionPatchFor(request: JSONRPCRequest, session: SessionRecord): SessionPatch | undefined {
  const params = request.params ?? {};
  switch (request.method) {
    case 'logging/setLevel':
      return session.logLevel === params.level ? undefined : { logLevel: params.level as LoggingLevel };
    case 'resources/subscribe': {
      const uri = String(params.uri);
      return session.subscriptions.includes(uri)
        ? undefined
        : { subscriptions: [...session.subscriptions, uri] };
    }
    case 'resources/unsubscribe': {
      const uri = String(params.uri);
      return session.subscriptions.includes(uri)
        ? { subscriptions: session.subscriptions.filter((s) => s !== uri) }
        : undefined;
    }
    default:
      return undefined;
  }
}
