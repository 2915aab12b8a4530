// The cursor a 2025 GET stream's event ids carry. The standalone stream merges two logs, the session's own
// and the published events of the global log, so its ids hold both positions: `get.<session seq>~<log
// cursor>`. A request stream's ids hold its session-log position only: `<stream id>.<seq>`.
import { eventId, parseEventId } from '../stores/types.js';

/** A position on one of a session's streams. */
export interface StreamCursor {
  streamId: string;
  /** The last session-log event the client has, by sequence number. */
  seq: number;
  /** The global-log cursor, on the standalone stream only. */
  global: string | undefined;
}

/** Splits a `Last-Event-ID` into the session-log position and the global-log cursor it may carry. */
export function parseStreamCursor(id: string): StreamCursor | undefined {
  const tilde = id.indexOf('~');
  const parsed = parseEventId(tilde < 0 ? id : id.slice(0, tilde));
  return parsed && { ...parsed, global: tilde < 0 ? undefined : id.slice(tilde + 1) };
}

/** The event id for a position: with the global cursor when there is one, as {@link parseStreamCursor} reads. */
export function formatStreamCursor(streamId: string, seq: number, global?: string): string {
  return global === undefined ? eventId(streamId, seq) : `${eventId(streamId, seq)}~${global}`;
}

/** The stream id of a session's standalone (GET) stream. */
export const STANDALONE_STREAM = 'get';
