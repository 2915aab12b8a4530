// Reads an SSE response body incrementally, the way a live client does: each complete event (comments
// included, so a test can see keep-alives and close notices) is handed over as soon as its blank line
// arrives.
import { parseSse, type SseEvent } from '../helpers.js';

/** An event, or a comment line (`: text`). */
export type SseItem = { kind: 'event'; event: SseEvent } | { kind: 'comment'; text: string };

/** Yields the body's SSE items in order, until the body ends (or the consumer stops). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseItem> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) yield { kind: 'comment', text: block.slice(1).trim() };
        else for (const event of parseSse(`${block}\n\n`)) yield { kind: 'event', event };
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The JSON-RPC message an event carries, or `undefined` for priming and id-only events. */
export function messageOf(item: SseItem): Record<string, unknown> | undefined {
  if (item.kind !== 'event' || item.event.data === '') return undefined;
  return JSON.parse(item.event.data) as Record<string, unknown>;
}
