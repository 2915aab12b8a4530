// A 2025 session's GET stream as the streaming checks open and judge it: opened (or the test skipped when
// the server offers none, or failed when it refuses a resumption), skipped when the server closed it before
// any event carried an id, and described by the published events it carried.
import { describeResponse, fail, readResponse } from './assert.js';
import type { RawSession } from './mcp.js';
import { publishedEvent } from './publish-hook.js';
import { SessionStream } from './session-stream.js';
import type { TestContext } from './types.js';

const NO_GET =
  'the server offers no GET stream (GET with the session id answered 405, which the spec allows), so there ' +
  'is no session stream to check';

/** Opens a GET stream on the session (followed across server-side closes); skips on 405. */
export async function openStream(
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
export function unresumable(version: string): string {
  return (
    `the server closed the GET stream before any event carried an id (${version} has no priming event), ` +
    'so a client cannot resume it without loss (a buffered server that polls): use 2025-11-25 there'
  );
}

/** Skips when one of `streams` stopped because the server closed it before any event carried an id. */
export function skipUnresumable(ctx: TestContext, streams: readonly SessionStream[]): void {
  if (streams.some((stream) => stream.stopped?.kind === 'no-id')) ctx.skip(unresumable(ctx.version));
}

/** Which published events whose type starts with `prefix` a stream carried (by suffix), for messages. */
export function receivedTypes(stream: SessionStream, prefix: string): string {
  const types = stream.messages
    .map((m) => publishedEvent(m)?.type)
    .filter((type): type is string => typeof type === 'string' && type.startsWith(prefix))
    .map((type) => type.slice(prefix.length));
  const stop = stream.describeStop();
  return `${types.length > 0 ? `the stream carried ${types.join(', ')}` : 'the stream carried none of them'}${stop ? `; ${stop}` : ''}`;
}
