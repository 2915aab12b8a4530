// The streaming suite's 2026-07-28 check: a `subscriptions/listen` stream for tool list changes is
// acknowledged, honors `toolsListChanged`, and carries the `notifications/tools/list_changed` that the
// publish hook announces (a buffered server holding the listen request for its window is named as such).
import { brief, check, errorText, fail, textOf } from '../../runner/assert.js';
import { elapsed, GRACE_MS, left, timedTest } from '../../runner/deadline.js';
import { ToolChangesListen } from '../../runner/listen.js';
import { connectModern, MODERN } from '../../runner/mcp.js';
import { HOOK, modernOffersHook, NO_HOOK } from '../../runner/publish-hook.js';
import type { TestCase } from '../../runner/types.js';

/** The listen check. */
export const listenTest: TestCase = timedTest(
  'streaming',
  'subscriptions/listen is acknowledged and carries a published tools/list_changed',
  [MODERN],
  async (ctx, deadline) => {
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
    if (!(await modernOffersHook(client, options))) ctx.skip(NO_HOOK);

    const listen = new ToolChangesListen(client, ctx, deadline);
    if (!(await listen.settled(Math.min(deadline, performance.now() + GRACE_MS)))) {
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
    await listen.settled(deadline);
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
          ? `the listen request got no response in ${elapsed(listen.sentAt)} ms; a buffered Lambda (SSE_MODE=poll) ` +
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
      await listen.changed(deadline),
      `after ${HOOK} with type tools/list_changed, the listen stream must carry notifications/tools/list_changed ` +
        `(waited ${elapsed(since)} ms)`,
      'nothing arrived',
    );
    await subscription.close();
  },
);
