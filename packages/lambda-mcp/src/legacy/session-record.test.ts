import { describe, expect, it } from 'vitest';
import { HttpError, StoreConflictError, StoreUnavailableError } from '../errors.js';
import { MemorySessionStore } from '../stores/memory.js';
import type { SessionPatch, SessionRecord } from '../stores/types.js';
import * as sessions from './session-record.js';

const { loadSession, newSessionRecord, sessionPatchFor, touchSession, updateSession } = sessions;

const T0 = 1_700_000_000_000;
const IDLE_MS = 3_600_000;

function record(id = 's1', principal?: string): SessionRecord {
  return newSessionRecord({
    id,
    protocolVersion: '2025-11-25',
    initializeParams: { clientInfo: { name: 'c', version: '1' } },
    now: T0,
    idleMs: IDLE_MS,
    authInfo: principal ? { token: 't', clientId: principal, scopes: [] } : undefined,
  });
}

function get(headers: Record<string, string>): Request {
  return new Request('http://127.0.0.1/mcp', { headers });
}

async function refusal(run: () => Promise<unknown>): Promise<[number, number]> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return [(error as HttpError).status, (error as HttpError).code];
}

describe('the 2025 session record', () => {
  it('starts at version 1, idle-expiring, with the caller as principal when there is one', () => {
    expect(record()).toEqual({
      id: 's1',
      protocolVersion: '2025-11-25',
      initializeParams: { clientInfo: { name: 'c', version: '1' } },
      subscriptions: [],
      createdAt: T0,
      lastActiveAt: T0,
      expiresAt: T0 + IDLE_MS,
      version: 1,
    });
    expect(record('s2', 'alice').principal).toBe('client alice');
  });

  it('loads the session a request names: 400 without the header or with a foreign version, 404 for an unknown or foreign one', async () => {
    const store = new MemorySessionStore(() => T0);
    await store.create(record('mine', 'alice'));
    expect(await refusal(() => loadSession(store, get({})))).toEqual([400, -32000]);
    const wrongVersion = get({ 'mcp-session-id': 'mine', 'mcp-protocol-version': '2026-07-28' });
    expect(await refusal(() => loadSession(store, wrongVersion))).toEqual([400, -32000]);
    expect(await refusal(() => loadSession(store, get({ 'mcp-session-id': 'other' })))).toEqual([
      404, -32001,
    ]);
    const asBob = { token: 't', clientId: 'bob', scopes: [] };
    expect(await refusal(() => loadSession(store, get({ 'mcp-session-id': 'mine' }), asBob))).toEqual([
      404, -32001,
    ]);
    const asAlice = { token: 't', clientId: 'alice', scopes: [] };
    expect((await loadSession(store, get({ 'mcp-session-id': 'mine' }), asAlice)).id).toBe('mine');
  });

  it('refreshes activity at most once a minute', async () => {
    const store = new MemorySessionStore(() => T0);
    const created = record();
    await store.create(created);
    expect(await touchSession(store, created, T0 + 59_999, IDLE_MS)).toBe(created);
    const touched = await touchSession(store, created, T0 + 60_000, IDLE_MS);
    expect([touched.version, touched.lastActiveAt, touched.expiresAt]).toEqual([
      2,
      T0 + 60_000,
      T0 + 60_000 + IDLE_MS,
    ]);
    await store.delete(created.id);
    expect(await refusal(() => touchSession(store, touched, T0 + 200_000, IDLE_MS))).toEqual([404, -32001]);
  });

  it('retries a lost race on the winner’s record and gives up with a 503 error that keeps the conflict', async () => {
    const store = new MemorySessionStore(() => T0);
    await store.create(record());
    const stale = { ...record(), version: 1 };
    await store.update('s1', 1, { logLevel: 'debug' }); // Another writer wins: version 2.
    const seen: (string | undefined)[] = [];
    const updated = await updateSession(store, stale, (current) => {
      seen.push(current.logLevel);
      return { subscriptions: [...current.subscriptions, 'a://b'] };
    });
    expect(seen).toEqual([undefined, 'debug']);
    expect(updated).toMatchObject({ version: 3, logLevel: 'debug', subscriptions: ['a://b'] });

    /** A real store whose every update loses the race to another writer that gets there just before. */
    class ContendedStore extends MemorySessionStore {
      override async update(id: string, version: number, patch: SessionPatch) {
        await super.update(id, version, {});
        return super.update(id, version, patch);
      }
    }
    const contended = new ContendedStore(() => T0);
    await contended.create(record());
    const error = await updateSession(contended, record(), () => ({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(StoreConflictError);
  });

  it('changes the record only for requests that change it', () => {
    const session = { ...record(), logLevel: 'info' as const, subscriptions: ['a://x'] };
    const request = (method: string, params: Record<string, unknown>) => ({
      jsonrpc: '2.0' as const,
      id: 1,
      method,
      params,
    });
    expect(sessionPatchFor(request('logging/setLevel', { level: 'info' }), session)).toBeUndefined();
    expect(sessionPatchFor(request('logging/setLevel', { level: 'error' }), session)).toEqual({
      logLevel: 'error',
    });
    expect(sessionPatchFor(request('resources/subscribe', { uri: 'a://x' }), session)).toBeUndefined();
    expect(sessionPatchFor(request('resources/subscribe', { uri: 'a://y' }), session)).toEqual({
      subscriptions: ['a://x', 'a://y'],
    });
    expect(sessionPatchFor(request('resources/unsubscribe', { uri: 'a://x' }), session)).toEqual({
      subscriptions: [],
    });
    expect(sessionPatchFor(request('resources/unsubscribe', { uri: 'a://z' }), session)).toBeUndefined();
    expect(sessionPatchFor(request('tools/call', { name: 'x' }), session)).toBeUndefined();
  });
});
