// The streaming suite's checks of one 2025 session's GET stream: the 2025-11-25 priming event (an id, a
// `retry` field, empty data), and resumption with `Last-Event-ID` delivering the events published meanwhile
// once each, in order, with the ids the publish hook reported.
import { brief, check, fail } from '../../runner/assert.js';
import { elapsed, GRACE_MS, sessionTest } from '../../runner/deadline.js';
import { openStream, receivedTypes, unresumable } from '../../runner/get-stream.js';
import { LEGACY_VERSIONS } from '../../runner/mcp.js';
import { HOOK, ofType, publish, publishedEvent, requireHook, uniqueType } from '../../runner/publish-hook.js';
import type { StreamedMessage } from '../../runner/session-stream.js';
import type { TestCase } from '../../runner/types.js';

/** The priming and resumption checks. */
export const getStreamTests: TestCase[] = [
  sessionTest(
    'the GET stream opens with a priming event: an id, a retry field and empty data',
    ['2025-11-25'],
    async (ctx, deadline, session) => {
      const stream = await openStream(ctx, session, { follow: false });
      check(
        await stream.waitForEvent(deadline),
        'a 2025-11-25 GET stream must start with a priming event',
        () => stream.describeStop() ?? `no event within ${ctx.timeout} ms`,
      );
      const first = stream.events[0];
      const shown = () => brief(first);
      check(
        first?.id !== undefined && first.id !== '',
        'the first event of a 2025-11-25 GET stream must carry an id (the priming event a client resumes from)',
        shown,
      );
      check(
        first.retry !== undefined,
        'the priming event of a 2025-11-25 GET stream must carry a retry: field (how long to wait before reconnecting)',
        shown,
      );
      check(
        first.data === '',
        'the priming event of a 2025-11-25 GET stream must have an empty data field',
        shown,
      );
      ctx.note(`priming event id ${first.id}, retry ${first.retry} ms`);
      stream.close();
    },
  ),
  sessionTest(
    'Last-Event-ID resumes the GET stream: 3 events published meanwhile arrive once each, in order',
    LEGACY_VERSIONS,
    async (ctx, deadline, session) => {
      await requireHook(ctx, session);
      const base = uniqueType('resume');
      const first = await openStream(ctx, session, { follow: false });
      await first.waitForEvent(Math.min(deadline, performance.now() + GRACE_MS));
      if (first.lastEventId === undefined && first.stopped === undefined) {
        // No priming id (before 2025-11-25): an event of its own gives the stream a position to resume from.
        await publish(ctx, session, { type: `${base}.start` });
        await first.waitForId(deadline);
      }
      if (first.lastEventId === undefined) {
        if (first.stopped?.kind === 'ended') ctx.skip(unresumable(ctx.version));
        fail(
          'events of a GET stream must carry ids, so a client can resume it with Last-Event-ID',
          `no event with an id within ${ctx.timeout} ms`,
        );
      }
      const resumeFrom = first.lastEventId as string;
      first.close();

      const ids: (string | undefined)[] = [];
      for (const n of [1, 2, 3]) ids.push(await publish(ctx, session, { type: `${base}.${n}`, data: { n } }));
      const since = performance.now();
      const resumed = await openStream(ctx, session, { lastEventId: resumeFrom });
      const published = [1, 2, 3].map((n) => `${base}.${n}`);
      const all = await Promise.all(published.map((type) => resumed.waitFor(ofType(type), deadline)));
      check(
        all.every(Boolean),
        `after a reconnect with Last-Event-ID, every event published since must arrive (waited ${elapsed(since)} ms)`,
        () => `published 1, 2, 3; ${receivedTypes(resumed, `${base}.`)}`,
      );
      // A marker published after them: once it is there, any repeat of the three would have come before it.
      await publish(ctx, session, { type: `${base}.end` });
      check(
        await resumed.waitFor(ofType(`${base}.end`), deadline),
        'an event published on a resumed stream must arrive',
        () => `the marker published after 1, 2, 3: ${receivedTypes(resumed, `${base}.`)}`,
      );
      const seen = resumed.messages.filter((m) => published.some((type) => ofType(type)(m)));
      const order = seen.map((m) => String(publishedEvent(m)?.type).slice(base.length + 1));
      check(
        seen.length === 3,
        'a resumed stream must deliver each event once (no event twice)',
        `the stream carried ${order.join(', ')}`,
      );
      check(
        order.join() === '1,2,3',
        'a resumed stream must deliver the events in the order they were published',
        `the stream carried ${order.join(', ')}`,
      );
      const withoutId = seen.filter((m) => m.id === undefined);
      check(
        withoutId.length === 0,
        'published events on a GET stream must carry ids, so a client can resume after them',
        () => `${withoutId.length} of 3 without an id`,
      );
      for (const [index, id] of ids.entries()) {
        const event = publishedEvent(seen[index] as StreamedMessage);
        check(
          id === undefined || event?.id === id,
          `the streamed event must be the one ${HOOK} published (its id)`,
          () => `${HOOK} answered id ${id}; the stream carried ${brief(event)}`,
        );
      }
      ctx.note(
        `resumed from ${resumeFrom}` +
          (resumed.connections > 1
            ? ` over ${resumed.connections} connections (the server ends GET streams after replaying; the client reconnects)`
            : ' on one live connection'),
      );
    },
  ),
];
