// The streaming suite's checks of published events on 2025 GET streams: one broadcast event reaching
// `--concurrency` streams on as many sessions, a session-targeted event reaching only its own session, and
// the session's log level holding back published log messages but not change notifications.
import { isRecord } from '../../guards.js';
import { brief, check } from '../../runner/assert.js';
import { elapsed, sessionTest, timedTest } from '../../runner/deadline.js';
import { openStream, skipUnresumable } from '../../runner/get-stream.js';
import { LEGACY_VERSIONS, openRawSessionDetails, type RawSession } from '../../runner/mcp.js';
import {
  HOOK,
  ofType,
  publish,
  publishedEvent,
  requireHook,
  rpc,
  uniqueType,
} from '../../runner/publish-hook.js';
import type { StreamedMessage } from '../../runner/session-stream.js';
import type { TestCase } from '../../runner/types.js';

/** The fan-out, targeting and log-level checks. */
export const broadcastTests: TestCase[] = [
  timedTest(
    'streaming',
    '--concurrency GET streams on as many sessions all receive one broadcast event',
    LEGACY_VERSIONS,
    async (ctx, deadline) => {
      const count = ctx.concurrency;
      const sessions = await Promise.all(Array.from({ length: count }, () => openRawSessionDetails(ctx)));
      const publisher = sessions[0] as RawSession;
      await requireHook(ctx, publisher);
      const streams = await Promise.all(sessions.map((session) => openStream(ctx, session)));
      const type = uniqueType('broadcast');
      const started = performance.now();
      const id = await publish(ctx, publisher, { type, target: 'global', data: { streams: count } });
      const received = await Promise.all(streams.map((stream) => stream.waitFor(ofType(type), deadline)));
      if (!received.every(Boolean)) skipUnresumable(ctx, streams);
      const missing = received.flatMap((ok, index) => (ok ? [] : [index + 1]));
      check(
        missing.length === 0,
        `every open stream must receive the broadcast event (published once, global) within ${elapsed(started)} ms`,
        () => {
          const stop = streams.map((stream) => stream.describeStop()).find(Boolean);
          return `it on ${count - missing.length} of ${count} streams; missing on stream ${missing.join(', ')}${
            stop ? `; ${stop}` : ''
          }`;
        },
      );
      const events = streams.map((stream) => stream.messages.find(ofType(type)) as StreamedMessage);
      const ids = new Set(events.map((m) => publishedEvent(m)?.id));
      check(
        ids.size === 1 && (id === undefined || ids.has(id)),
        'every stream must receive the same event (one id)',
        () => `${HOOK} answered id ${id}; the streams carried ${[...ids].map(String).join(', ')}`,
      );
      const slowest = Math.max(...events.map((m) => m.at - started));
      ctx.note(
        `${count} streams received event ${String([...ids][0])}; the last ${Math.round(slowest)} ms after publishing began`,
      );
      for (const stream of streams) stream.close();
    },
  ),
  timedTest(
    'streaming',
    "a session-targeted event reaches its session's GET stream and no other",
    LEGACY_VERSIONS,
    async (ctx, deadline) => {
      const [a, b] = await Promise.all([openRawSessionDetails(ctx), openRawSessionDetails(ctx)]);
      await requireHook(ctx, a);
      const [onA, onB] = await Promise.all([openStream(ctx, a), openStream(ctx, b)]);
      const targeted = uniqueType('targeted');
      const marker = uniqueType('marker');
      let since = performance.now();
      await publish(ctx, a, { type: targeted, target: 'session' });
      const reachedA = await onA.waitFor(ofType(targeted), deadline);
      if (!reachedA) skipUnresumable(ctx, [onA]);
      check(
        reachedA,
        `an event published with target session must reach that session's GET stream (waited ${elapsed(since)} ms)`,
        () => onA.describeStop() ?? 'nothing arrived',
      );
      const scope = publishedEvent(onA.messages.find(ofType(targeted)) as StreamedMessage)?.scope;
      check(
        scope === undefined || scope === 'session',
        'a session-targeted event must be streamed with scope "session"',
        () => `scope ${brief(scope)}`,
      );
      // Published after the targeted event: once B has the marker, the targeted one would have come before it.
      since = performance.now();
      await publish(ctx, b, { type: marker, target: 'global' });
      const reachedB = await onB.waitFor(ofType(marker), deadline);
      if (!reachedB) skipUnresumable(ctx, [onB]);
      check(
        reachedB,
        `a global event must reach every open GET stream (waited ${elapsed(since)} ms)`,
        () =>
          `the marker published after the targeted event never reached the other session; ${onB.describeStop() ?? 'nothing arrived'}`,
      );
      check(
        !onB.messages.some(ofType(targeted)),
        "a session-targeted event must not reach another session's stream",
        'it arrived on the GET stream of the other session',
      );
      onA.close();
      onB.close();
    },
  ),
  sessionTest(
    'logging/setLevel warning holds back published events (info) on the GET stream, not change notifications',
    LEGACY_VERSIONS,
    async (ctx, deadline, session) => {
      const capabilities = isRecord(session.result.capabilities) ? session.result.capabilities : {};
      if (!capabilities.logging) ctx.skip('the server does not declare the logging capability');
      const tools = isRecord(capabilities.tools) ? capabilities.tools : undefined;
      if (!tools?.listChanged) {
        ctx.skip(
          'the server does not declare tools.listChanged, so no change notification can mark the stream',
        );
      }
      await requireHook(ctx, session);
      const stream = await openStream(ctx, session);
      await rpc(ctx, session, 'logging/setLevel', { level: 'warning' });
      const type = uniqueType('below-level');
      const since = performance.now();
      await publish(ctx, session, { type, target: 'global' });
      // A change notification is no log message: it passes whatever the level, and marks the stream.
      await publish(ctx, session, { type: 'tools/list_changed', target: 'global' });
      const marked = await stream.waitFor(
        (m) => m.message.method === 'notifications/tools/list_changed',
        deadline,
      );
      if (!marked) skipUnresumable(ctx, [stream]);
      check(
        marked,
        `a change notification (notifications/tools/list_changed) is not a log message: after logging/setLevel ` +
          `warning it must still reach the GET stream (waited ${elapsed(since)} ms)`,
        () => stream.describeStop() ?? 'nothing arrived',
      );
      const below = stream.messages.filter(ofType(type));
      check(
        below.length === 0,
        'after logging/setLevel warning, published events (notifications/message at level info) must be held back',
        () => brief(below[0]?.message),
      );
      stream.close();
    },
  ),
];
