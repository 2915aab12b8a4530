// The SSE frame of a published event, as 2025 GET streams write it, encoded once and shared: a publish hands
// every open stream the same event, so the `data:` line (the notification's JSON, the bulk of the frame) is
// encoded once per event, and streams whose event id is the same (the common case: the same global cursor and
// session-log position) get the very same bytes. Chunks are never mutated once enqueued, so sharing them is
// safe, and a slow reader's queue holds references to one copy, not a copy per stream.
import type { McpEvent } from '../events/model.js';
import { sseMessageJson } from '../http/responses.js';

const encoder = new TextEncoder();
/** Reused for each id line: encoded here, then copied into the frame at its exact size. */
let scratch = new Uint8Array(256);

/** The last frame built: valid for that event and id. One publish builds its frames in a row. */
let last: { event: McpEvent; id: string | undefined; frame: Uint8Array } | undefined;
/** The encoded `data:` line of the last event. */
let body: { event: McpEvent; bytes: Uint8Array } | undefined;

/**
 * The bytes of `sseMessageJson(json, id)` for a published event, `json` its notification's JSON: equal to
 * encoding that text, but the JSON is encoded once per event and a repeated id returns the same array.
 *
 * @example
 * const { json } = eventNotificationJson(event);
 * controller.enqueue(publishedFrame(event, json, 'get.0~g0000000042'));
 */
export function publishedFrame(event: McpEvent, json: string, id: string | undefined): Uint8Array {
  if (last && last.event === event && last.id === id) return last.frame;
  if (body?.event !== event) body = { event, bytes: encoder.encode(sseMessageJson(json).slice(HEAD.length)) };
  const head = id === undefined ? HEAD : `${HEAD}id: ${id}\n`;
  if (scratch.length < head.length * 3) scratch = new Uint8Array(head.length * 3);
  const { written } = encoder.encodeInto(head, scratch);
  const frame = new Uint8Array(written + body.bytes.length);
  frame.set(scratch.subarray(0, written));
  frame.set(body.bytes, written);
  last = { event, id, frame };
  return frame;
}

/** What every frame starts with, before its optional id line (see `sseMessageJson`). */
const HEAD = 'event: message\n';
