// The in-memory stores stay bounded by construction: expired sessions and their event logs go on a timer
// without anyone reading them, the session count is capped (least recently active first), and the timer
// neither keeps a process alive nor outlives close().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../options.js';
import { optionsFromEnv } from '../setup/env.js';
import { MemoryEventStore, MemorySessionStore } from './memory.js';
import type { SessionRecord } from './types.js';

const T0 = 1_000_000;
const IDLE_MS = 3_600_000;

function session(id: string, at = T0, params: Record<string, unknown> = {}): SessionRecord {
  return {
    id,
    protocolVersion: '2025-11-25',
    initializeParams: { clientInfo: { name: 'c', version: '1' }, ...params },
    subscriptions: [],
    createdAt: at,
    lastActiveAt: at,
    expiresAt: at + IDLE_MS,
    version: 1,
  };
}

const notification = (i: number) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/message',
  params: { i },
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('MemorySessionStore sweep', () => {
  it('drops 2,000 expired sessions and their event logs after one sweep interval, nobody reading them', async () => {
    vi.useFakeTimers();
    const clock = { t: T0 };
    const sessions = new MemorySessionStore({ now: () => clock.t, sweepIntervalMs: 1000 });
    const events = new MemoryEventStore({ sessions });
    for (let i = 0; i < 2000; i++) {
      await sessions.create(session(`s-${i}`, T0, { blob: 'x'.repeat(1024) }));
      for (let n = 0; n < 5; n++) await events.append(`s-${i}`, '_GET_stream', notification(n));
    }
    expect(sessions.size).toBe(2000);
    expect(events.stats).toEqual({ sessions: 2000, events: 10_000 });

    vi.advanceTimersByTime(1000); // Not expired yet: the sweep keeps them.
    expect(sessions.size).toBe(2000);

    clock.t = T0 + IDLE_MS;
    vi.advanceTimersByTime(1000);
    expect(sessions.size).toBe(0);
    expect(events.stats).toEqual({ sessions: 0, events: 0 });
    sessions.close();
  });

  it('sweeps on an unref()ed timer that close() stops', () => {
    vi.useFakeTimers();
    const unref = vi.fn();
    const setInterval = globalThis.setInterval;
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms: number) => {
      const timer = setInterval(fn, ms);
      const original = timer.unref.bind(timer);
      timer.unref = () => {
        unref();
        return original();
      };
      return timer;
    }) as typeof globalThis.setInterval);
    const store = new MemorySessionStore({ sweepIntervalMs: 500 });
    expect(unref).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a log whose session is still live; a DELETE drops it too', async () => {
    const clock = { t: T0 };
    const sessions = new MemorySessionStore({ now: () => clock.t });
    const events = new MemoryEventStore({ sessions });
    await sessions.create(session('old', T0 - IDLE_MS)); // expired at T0
    await sessions.create(session('live'));
    await sessions.create(session('deleted'));
    for (const id of ['old', 'live', 'deleted']) await events.append(id, 's', notification(1));
    expect(sessions.sweep()).toBe(1);
    await sessions.delete('deleted');
    expect(events.stats).toEqual({ sessions: 1, events: 1 });
    expect((await events.read('live', 's', 0)).events).toHaveLength(1);
    sessions.close();
  });
});

describe('MemorySessionStore cap', () => {
  it('never holds more than maxSessions, evicts the least recently active first, and still creates', async () => {
    const clock = { t: T0 };
    const sessions = new MemorySessionStore({ now: () => clock.t, maxSessions: 3 });
    const events = new MemoryEventStore({ sessions });
    for (const id of ['a', 'b', 'c']) {
      clock.t += 1000;
      await sessions.create(session(id, clock.t));
      await events.append(id, 's', notification(1));
    }
    // `a` is active again (the transport refreshes lastActiveAt with an update): `b` is now the oldest idle.
    clock.t += 1000;
    await sessions.update('a', 1, { lastActiveAt: clock.t, expiresAt: clock.t + IDLE_MS });

    clock.t += 1000;
    await sessions.create(session('d', clock.t));
    expect(sessions.size).toBe(3);
    expect(await sessions.get('b')).toBeUndefined();
    expect(events.stats.sessions).toBe(2); // b's log went with it
    expect((await sessions.list({ limit: 10 })).sessions.map((s) => s.id)).toEqual(['d', 'a', 'c']);

    for (let i = 0; i < 50; i++) {
      await sessions.create(session(`n-${i}`, clock.t));
      expect(sessions.size).toBeLessThanOrEqual(3);
    }
    expect((await sessions.list({ limit: 10 })).sessions.map((s) => s.id).sort()).toEqual([
      'n-47',
      'n-48',
      'n-49',
    ]);
    sessions.close();
  });

  it('defaults to 10,000 sessions, set by maxSessions or MEMORY_MAX_SESSIONS, with linked default stores', async () => {
    expect(optionsFromEnv({ MEMORY_MAX_SESSIONS: ' 2 ' }).maxSessions).toBe(2);
    expect(() => optionsFromEnv({ MEMORY_MAX_SESSIONS: '0' })).toThrow(
      'MEMORY_MAX_SESSIONS must be a whole number from 1 to 10000000; got "0"',
    );
    expect(resolveOptions({ requestStateKey: 'k'.repeat(32) }).maxSessions).toBe(10_000);

    const o = resolveOptions({
      requestStateKey: 'k'.repeat(32),
      ...optionsFromEnv({ MEMORY_MAX_SESSIONS: '2' }),
    });
    for (const id of ['a', 'b', 'c']) {
      await o.sessionStore.create(session(id, Date.now()));
      await o.eventStore.append(id, 's', notification(1));
    }
    expect(await o.sessionStore.get('a')).toBeUndefined();
    expect((o.eventStore as MemoryEventStore).stats).toEqual({ sessions: 2, events: 2 });
    (o.sessionStore as MemorySessionStore).close();
  });
});
