// The streaming suite: a 2025 session's GET stream (the 2025-11-25 priming event with an id and `retry`,
// resumption with `Last-Event-ID` without loss or repeats), fan-out of one broadcast event to
// `--concurrency` streams on as many sessions, a session-targeted event that reaches only its own session,
// the session's log level holding back published log messages but not change notifications, and the
// 2026-07-28 `subscriptions/listen` stream receiving a published `tools/list_changed`.
//
// Events are published on demand through the documented test hook of the reference server, the
// `publish_event` tool (`{ type, data?, target: global|session }`), each with a type unique to the run; a
// server without it has its broadcast checks skipped, saying so. 2025 checks use raw requests (the wire is
// what they check) and follow GET streams as an EventSource does, so they hold on live streams and on
// buffered servers that replay and close. Waits end at a deadline inside `--timeout`; nothing sleeps.
import { randomUUID } from 'node:crypto';
import type { McpSubscription } from '@modelcontextprotocol/client';
import { brief, check, describeResponse, errorText, fail, readResponse } from '../runner/assert.js';
import {
  connectModern,
  LEGACY_VERSIONS,
  MODERN,
  openRawSessionDetails,
  post,
  type RawSession,
} from '../runner/mcp.js';
import { SessionStream, type StreamedMessage, Watch } from '../runner/sse.js';
import type { TestCase, TestContext } from '../runner/types.js';

/** The reference server's documented test hook. */
const HOOK = 'publish_event';
const NO_HOOK =
  `the server has no documented publish hook (no ${HOOK} tool, as the reference server offers with ` +
  'PUBLISH_TOOL=true), so no event can be published on demand';
const NO_GET =
  'the server offers no GET stream (GET with the session id answered 405, which the spec allows), so there ' +
  'is no session stream to check';
/**
 * How long to wait for what a live server sends at once (a stream's first event, the listen acknowledgement)
 * before going on without it, in ms.
 */
const GRACE_MS = 1000;

/** A `performance.now()` deadline inside the test's timeout, leaving a margin to report and clean up. */
function deadlineOf(ctx: TestContext): number {
  return performance.now() + ctx.timeout - Math.min(500, Math.max(100, ctx.timeout / 10));
}

/** Milliseconds from now until `deadline`, at least 1. */
function left(deadline: number): number {
  return Math.max(1, Math.round(deadline - performance.now()));
}

/** Milliseconds since `since` (a `performance.now()` time), for "within … ms" in messages. */
function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/** An event type no other run uses. */
function uniqueType(label: string): string {
  return `lambda-mcp-client.${label}.${randomUUID()}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (isObject(block) && block.type === 'text' ? String(block.text) : ''))
    .filter(Boolean)
    .join('\n');
}

/** The published event a streamed `notifications/message` carries as its data, if any. */
function publishedEvent(streamed: StreamedMessage): Record<string, unknown> | undefined {
  if (streamed.message.method !== 'notifications/message') return undefined;
  const data = streamed.message.params?.data;
  return isObject(data) ? data : undefined;
}

/** Matches the streamed published event of `type`. */
function ofType(type: string) {
  return (streamed: StreamedMessage) => publishedEvent(streamed)?.type === type;
}

let requests = 0;

/** A raw JSON-RPC request on a 2025 session; resolves its result (a rule: it must have one). */
async function rpc(
  ctx: TestContext,
  session: RawSession,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const id = `lambda-mcp-client-${++requests}`;
  const read = await readResponse(await post(ctx, { jsonrpc: '2.0', id, method, params }, session.headers));
  check(read.status === 200 && read.message?.result, `${method} must answer a result`, () =>
    describeResponse(read),
  );
  return read.message.result;
}

/** Opens a 2025 session over the wire whose later requests the checks send raw. */
function openSession(ctx: TestContext): Promise<RawSession> {
  return openRawSessionDetails(ctx);
}

/** Skips the test unless the session's tools/list offers the publish hook. */
async function requireHook(ctx: TestContext, session: RawSession): Promise<void> {
  const capabilities = session.result.capabilities;
  if (!isObject(capabilities) || !capabilities.tools) ctx.skip(NO_HOOK);
  let cursor: unknown;
  for (let page = 0; page < 50; page++) {
    const result = await rpc(ctx, session, 'tools/list', cursor === undefined ? {} : { cursor });
    const tools = Array.isArray(result.tools) ? result.tools : [];
    if (tools.some((tool) => isObject(tool) && tool.name === HOOK)) return;
    cursor = result.nextCursor;
    if (typeof cursor !== 'string' || cursor === '') break;
  }
  ctx.skip(NO_HOOK);
}

/** Publishes an event through the hook; resolves the id the hook reports (if any). */
async function publish(
  ctx: TestContext,
  session: RawSession,
  args: { type: string; target?: 'global' | 'session'; data?: Record<string, unknown> },
): Promise<string | undefined> {
  const result = await rpc(ctx, session, 'tools/call', { name: HOOK, arguments: args });
  if (result.isError === true) {
    fail(`${HOOK} ${brief(args, 120)} must publish the event`, `an error result: ${textOf(result.content)}`);
  }
  const structured = result.structuredContent;
  return isObject(structured) && typeof structured.id === 'string' ? structured.id : undefined;
}

/** Opens a GET stream on the session (followed across server-side closes); skips on 405. */
async function openStream(
  ctx: TestContext,
  session: RawSession,
  options: { lastEventId?: string; follow?: boolean } = {},
): Promise<SessionStream> {
  const opened = await SessionStream.open(ctx, session.headers, options);
  if ('stream' in opened) return opened.stream;
  const read = await readResponse(opened.refused);
  if (read.status === 405 && options.lastEventId === undefined) ctx.skip(NO_GET);
  if (options.lastEventId !== undefined) {
    fail(
      `a GET with Last-Event-ID ${options.lastEventId} (an id the stream sent) must resume the stream ` +
        '(200 text/event-stream)',
      describeResponse(read),
    );
  }
  fail('a GET with the session id must open an SSE stream (200 text/event-stream)', describeResponse(read));
}

/** Why a stream the server closed before any event carried an id cannot be followed. */
function unresumable(version: string): string {
  return (
    `the server closed the GET stream before any event carried an id (${version} has no priming event), ` +
    'so a client cannot resume it without loss (a buffered server that polls): use 2025-11-25 there'
  );
}

/** Skips when one of `streams` stopped because the server closed it before any event carried an id. */
function skipUnresumable(ctx: TestContext, streams: readonly SessionStream[]): void {
  if (streams.some((stream) => stream.stopped?.kind === 'no-id')) ctx.skip(unresumable(ctx.version));
}

/** Which published events whose type starts with `prefix` a stream carried (by suffix), for messages. */
function receivedTypes(stream: SessionStream, prefix: string): string {
  const types = stream.messages
    .map((m) => publishedEvent(m)?.type)
    .filter((type): type is string => typeof type === 'string' && type.startsWith(prefix))
    .map((type) => type.slice(prefix.length));
  const stop = stream.describeStop();
  return `${types.length > 0 ? `the stream carried ${types.join(', ')}` : 'the stream carried none of them'}${stop ? `; ${stop}` : ''}`;
}

/** The streaming suite's tests. */
export const streamingTests: TestCase[] = [
  {
    suite: 'streaming',
    name: 'the GET stream opens with a priming event: an id, a retry field and empty data',
    versions: ['2025-11-25'],
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      const session = await openSession(ctx);
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
  },
  {
    suite: 'streaming',
    name: 'Last-Event-ID resumes the GET stream: 3 events published meanwhile arrive once each, in order',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      const session = await openSession(ctx);
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
  },
  {
    suite: 'streaming',
    name: '--concurrency GET streams on as many sessions all receive one broadcast event',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      const count = ctx.concurrency;
      const sessions = await Promise.all(Array.from({ length: count }, () => openSession(ctx)));
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
  },
  {
    suite: 'streaming',
    name: "a session-targeted event reaches its session's GET stream and no other",
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      const [a, b] = await Promise.all([openSession(ctx), openSession(ctx)]);
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
  },
  {
    suite: 'streaming',
    name: 'logging/setLevel warning holds back published events (info) on the GET stream, not change notifications',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      const session = await openSession(ctx);
      const capabilities = isObject(session.result.capabilities) ? session.result.capabilities : {};
      if (!capabilities.logging) ctx.skip('the server does not declare the logging capability');
      const tools = isObject(capabilities.tools) ? capabilities.tools : undefined;
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
  },
  {
    suite: 'streaming',
    name: 'subscriptions/listen is acknowledged and carries a published tools/list_changed',
    versions: [MODERN],
    async run(ctx) {
      const deadline = deadlineOf(ctx);
      let client: Awaited<ReturnType<typeof connectModern>>;
      try {
        client = await connectModern(ctx);
      } catch (error) {
        fail(`a v2 SDK client must connect on ${MODERN}`, errorText(error));
      }
      const capabilities = client.getServerCapabilities();
      if (!capabilities?.tools?.listChanged) {
        ctx.skip(
          'the server declares no tools.listChanged capability, so a listen stream for tool changes has nothing to carry',
        );
      }
      const options = { signal: ctx.signal, timeout: left(deadline) };
      let hooked = false;
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
        hooked ||= page.tools.some((tool) => tool.name === HOOK);
        cursor = page.nextCursor;
      } while (!hooked && cursor);
      if (!hooked) ctx.skip(NO_HOOK);

      const watch = new Watch();
      let changes = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        changes++;
        watch.poke();
      });
      const listen: { subscription?: McpSubscription; error?: unknown } = {};
      const listenedAt = performance.now();
      void client.listen({ toolsListChanged: true }, { signal: ctx.signal, timeout: left(deadline) }).then(
        (subscription) => {
          listen.subscription = subscription;
          ctx.defer(() => subscription.close());
          watch.poke();
        },
        (error: unknown) => {
          listen.error = error ?? new Error('listen failed');
          watch.poke();
        },
      );
      const settled = () => listen.subscription !== undefined || listen.error !== undefined;
      if (!(await watch.until(settled, Math.min(deadline, performance.now() + GRACE_MS), ctx.signal))) {
        ctx.note(
          `no acknowledgement within ${GRACE_MS} ms, so the change was published while the listen request ` +
            'was pending (a buffered server sends the acknowledgement and the events of its window together)',
        );
      }
      const since = performance.now();
      if (listen.error === undefined) {
        let result: Awaited<ReturnType<typeof client.callTool>>;
        try {
          result = await client.callTool(
            { name: HOOK, arguments: { type: 'tools/list_changed', target: 'global' } },
            options,
          );
        } catch (error) {
          fail(`tools/call ${HOOK} must answer a CallToolResult`, errorText(error));
        }
        if (result.isError === true) {
          fail(
            `${HOOK} {"type":"tools/list_changed"} must publish the change`,
            `an error result: ${textOf(result.content)}`,
          );
        }
      }
      await watch.until(settled, deadline, ctx.signal);
      const subscription = listen.subscription;
      if (!subscription) {
        const exchange = ctx.exchanges.findLast(
          (e) => e.method === 'POST' && (e.requestBody ?? '').includes('"subscriptions/listen"'),
        );
        // No answer at all (not even headers): the request is held, as a buffered Lambda holds it.
        const held = exchange !== undefined && exchange.status === undefined;
        fail(
          `subscriptions/listen must be acknowledged (notifications/subscriptions/acknowledged) within --timeout ${ctx.timeout} ms`,
          held
            ? `the listen request got no response in ${elapsed(listenedAt)} ms; a buffered Lambda (SSE_MODE=poll) ` +
                'holds a listen stream for its window (LISTEN_WINDOW_MS, 25 s by default) and sends the ' +
                'acknowledgement with the events only when it ends: run with a --timeout longer than the window'
            : listen.error === undefined
              ? 'no acknowledgement'
              : errorText(listen.error),
        );
      }
      check(
        subscription.honoredFilter.toolsListChanged === true,
        'the listen acknowledgement must honor toolsListChanged (the server declares tools.listChanged)',
        () => `honored ${brief(subscription.honoredFilter)}`,
      );
      check(
        await watch.until(() => changes > 0, deadline, ctx.signal),
        `after ${HOOK} with type tools/list_changed, the listen stream must carry notifications/tools/list_changed ` +
          `(waited ${elapsed(since)} ms)`,
        'nothing arrived',
      );
      await subscription.close();
    },
  },
];
