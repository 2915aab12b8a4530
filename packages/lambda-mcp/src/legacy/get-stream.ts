// The SSE answer to a session GET: the standalone stream, or the resumption of any earlier stream named by
// `Last-Event-ID`. `poll` mode (buffered Lambda) sends the priming event, replays what the log holds after
// the cursor and closes with `retry:`, so the client polls; `live` mode then stays open and forwards new
// events of that stream as this process stores them, with keep-alive comments.
import { HttpError } from '../errors.js';
import type { SessionEventHub } from '../events/session-hub.js';
import { RpcCode, SSE_HEADERS, sseComment, sseMessage, ssePriming } from '../http/responses.js';
import {
  type EventStore,
  eventId,
  parseEventId,
  type SessionRecord,
  type StoredEvent,
} from '../stores/types.js';
import { supportsPriming } from './versions.js';

/** Options of {@link streamSessionEvents}. */
export interface SessionStreamOptions {
  session: SessionRecord;
  lastEventId: string | undefined;
  standaloneStream: string;
  events: EventStore;
  hub: SessionEventHub;
  mode: 'poll' | 'live';
  retryMs: number;
  keepAliveMs: number;
  maxStreamMs: number;
  signal: AbortSignal;
}

/** Builds the GET response; store failures surface before any byte is sent. */
export async function streamSessionEvents(o: SessionStreamOptions): Promise<Response> {
  let streamId = o.standaloneStream;
  let after: number | undefined;
  if (o.lastEventId !== undefined) {
    const parsed = parseEventId(o.lastEventId);
    if (!parsed) throw new HttpError(400, RpcCode.ServerError, 'Bad Request: unknown Last-Event-ID format');
    streamId = parsed.streamId;
    after = parsed.seq;
  }
  const resumingRequestStream = streamId !== o.standaloneStream;

  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    clearInterval(keepAlive);
    clearTimeout(deadline);
    o.signal.removeEventListener('abort', close);
    try {
      controller?.close();
    } catch {
      // The consumer went away first.
    }
  };

  // Subscribe before reading, so nothing stored in between is missed; duplicates are dropped by seq.
  const early: StoredEvent[] = [];
  let forward: ((event: StoredEvent) => void) | undefined;
  if (o.mode === 'live') {
    unsubscribe = o.hub.subscribe(
      o.session.id,
      (event) => {
        if (event.streamId !== streamId) return;
        if (forward) forward(event);
        else early.push(event);
      },
      close, // The session was deleted.
    );
  }
  let snapshot: Awaited<ReturnType<EventStore['read']>>;
  try {
    snapshot = await o.events.read(o.session.id, streamId, after);
  } catch (error) {
    unsubscribe?.();
    throw error;
  }

  let cursor = after ?? snapshot.lastSeq;
  const emit = (text: string) => {
    if (closed || !controller) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  /** Writes an event past the cursor; a request stream ends with its response. */
  const write = (event: StoredEvent) => {
    if (closed || event.seq <= cursor) return;
    cursor = event.seq;
    emit(sseMessage(event.message, event.id));
    if (resumingRequestStream && 'id' in event.message && !('method' in event.message)) close();
  };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel: () => close(),
  });
  // The session may have been deleted while the log was being read: answer an empty, closed stream.
  if (closed) controller?.close();

  emit(
    supportsPriming(o.session.protocolVersion)
      ? ssePriming(eventId(streamId, cursor), o.retryMs)
      : ssePriming(undefined, o.retryMs),
  );
  for (const event of snapshot.events) write(event);
  if (o.mode === 'poll' || closed) {
    close();
  } else {
    for (const event of early) write(event);
    forward = write;
    if (o.keepAliveMs > 0) keepAlive = setInterval(() => emit(sseComment('keep-alive')), o.keepAliveMs);
    if (o.maxStreamMs > 0) deadline = setTimeout(close, o.maxStreamMs);
    if (o.signal.aborted) close();
    else o.signal.addEventListener('abort', close, { once: true });
  }
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'mcp-session-id': o.session.id } });
}
