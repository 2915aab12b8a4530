// The backlog a GET stream sends before anything live: what the session log holds past the client's
// position, and, on the standalone stream, what the global log published for this session since its cursor
// (or, for a fresh stream, only the log's head, so it starts from now).
import type { EventFeed } from '../events/feed.js';
import type { LoggedEvent } from '../events/global-log.js';
import type { EventStore, StoredEvent } from '../stores/types.js';

/** What a GET stream replays first, and where its positions start. */
export interface Backlog {
  /** Session-log events past the position, and the log's last sequence number. */
  snapshot: { events: StoredEvent[]; lastSeq: number };
  /** Published events this session is entitled to, past the global cursor. */
  published: LoggedEvent[];
  /** The stream's global cursor: the client's, or the log head for a fresh stream. */
  globalCursor: string | undefined;
  /** How far the global log was read, when it was replayed (past events of other sessions too). */
  readTo: string | undefined;
}

/** Reads both logs for one stream; a store failure rejects before any byte is sent. */
export async function readBacklog(
  eventStore: EventStore,
  feed: EventFeed | undefined,
  at: { sessionId: string; streamId: string; after: number | undefined; globalAfter: string | undefined },
): Promise<Backlog> {
  const snapshot = await eventStore.read(at.sessionId, at.streamId, at.after);
  const published: LoggedEvent[] = [];
  if (!feed) return { snapshot, published, globalCursor: undefined, readTo: undefined };
  if (at.globalAfter === undefined) {
    return { snapshot, published, globalCursor: await feed.log.head(), readTo: undefined };
  }
  // Replay what was published since the cursor; the read position may pass events of other sessions.
  let from = at.globalAfter;
  for (;;) {
    const page = await feed.log.read(from);
    for (const logged of page.events) if (entitled(logged, at.sessionId)) published.push(logged);
    from = page.cursor;
    if (!page.more) break;
  }
  return { snapshot, published, globalCursor: at.globalAfter, readTo: from };
}

/** Whether a logged event belongs on this session's stream: global, or targeted at this session. */
function entitled(logged: LoggedEvent, sessionId: string): boolean {
  const { scope } = logged.event;
  return scope.kind === 'global' || scope.sessionId === sessionId;
}
