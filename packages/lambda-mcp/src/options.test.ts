import { describe, expect, it } from 'vitest';
import { MemoryGlobalEventLog } from './events/global-log.js';
import { SessionEventHub } from './events/session-hub.js';
import { DEFAULTS, resolveOptions } from './options.js';
import { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from './stores/memory.js';

const KEY = 'cd'.repeat(32);

describe('resolveOptions', () => {
  it('applies every default once, with in-memory stores', () => {
    const o = resolveOptions({ requestStateKey: KEY });
    expect(o.sessionStore).toBeInstanceOf(MemorySessionStore);
    expect(o.eventStore).toBeInstanceOf(MemoryEventStore);
    expect(o.mailbox).toBeInstanceOf(MemoryResponseMailbox);
    expect(o.hub).toBeInstanceOf(SessionEventHub);
    expect(o.eventLog).toBeInstanceOf(MemoryGlobalEventLog);
    expect(o).toMatchObject({
      pollIntervalMs: 1000,
      maxEventBytes: 64 * 1024,
      streamCapacity: 1024,
      internalEvents: false,
      healthIntervalMs: 0,
      listenWindowMs: 0,
      sse: 'live',
      retryMs: 1000,
      keepAliveMs: 15_000,
      maxStreamMs: 0,
      sessionIdleSeconds: 3600,
      allowedOrigins: ['localhost', '127.0.0.1', '[::1]'],
      maxBodyBytes: 4 * 1024 * 1024,
      compression: false,
    });
    expect(o.allowedHosts).toBeUndefined();
    expect(o.maxResponseBytes).toBeUndefined();
    expect(typeof o.requestState.mint).toBe('function');
  });

  it('holds listen streams only when buffered, and times health events only when internal events are on', () => {
    expect(resolveOptions({ requestStateKey: KEY, sse: 'poll' }).listenWindowMs).toBe(
      DEFAULTS.listenWindowMs,
    );
    expect(resolveOptions({ requestStateKey: KEY, sse: 'poll', listenWindowMs: 5 }).listenWindowMs).toBe(5);
    expect(resolveOptions({ requestStateKey: KEY, listenWindowMs: 5 }).listenWindowMs).toBe(0);
    expect(resolveOptions({ requestStateKey: KEY, internalEvents: true }).healthIntervalMs).toBe(60_000);
    expect(resolveOptions({ requestStateKey: KEY, healthIntervalMs: 5 }).healthIntervalMs).toBe(0);
  });

  it('keeps what the caller gave, stores included', () => {
    const sessionStore = new MemorySessionStore();
    const now = () => 42;
    const o = resolveOptions({
      requestStateKey: KEY,
      sessionStore,
      streamCapacity: 8,
      now,
      allowedHosts: ['a'],
    });
    expect(o.sessionStore).toBe(sessionStore);
    expect(o.streamCapacity).toBe(8);
    expect(o.now).toBe(now);
    expect(o.allowedHosts).toEqual(['a']);
  });

  it('returns options it resolved unchanged, and resolves a copy afresh', () => {
    const once = resolveOptions({ requestStateKey: KEY });
    expect(resolveOptions(once)).toBe(once);
    const copy = resolveOptions({ ...once, streamCapacity: 8 });
    expect(copy).not.toBe(once);
    expect([copy.streamCapacity, copy.requestStateKey]).toEqual([8, KEY]);
  });
});

describe('resolveOptions with auth', () => {
  it('resolves the auth option once, with its defaults, and leaves it off by default', () => {
    expect(resolveOptions({ requestStateKey: KEY }).auth).toBeUndefined();
    const o = resolveOptions({ requestStateKey: KEY, auth: { issuer: 'https://auth.example.com' } });
    expect(o.auth).toEqual({
      issuer: 'https://auth.example.com',
      requiredScopes: [],
      adminScope: 'mcp:admin',
      scopesSupported: [],
    });
    expect(resolveOptions({ ...o, sse: 'poll' }).auth).toEqual(o.auth);
  });

  it('stops on an invalid auth option with a ConfigError naming it', () => {
    expect(() =>
      resolveOptions({ requestStateKey: KEY, auth: { issuer: 'https://a.example', adminScope: 'a b' } }),
    ).toThrow(/^auth\.adminScope must be OAuth scope tokens/);
  });
});
