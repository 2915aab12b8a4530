import { describe, expect, it } from 'vitest';
import { eventNotificationJson, type McpEvent } from '../events/model.js';
import { sseMessageJson } from '../http/responses.js';
import { publishedFrame } from './stream-frame.js';

const encoder = new TextEncoder();

function event(id: string, data: unknown): McpEvent {
  return {
    id,
    type: 'deploy.finished',
    source: 'app',
    data,
    timestamp: '2026-01-01T00:00:00.000Z',
    scope: { kind: 'global' },
  };
}

/** What a stream wrote before frames were shared: the whole frame's text, encoded. */
const reference = (e: McpEvent, id: string | undefined) =>
  encoder.encode(sseMessageJson(eventNotificationJson(e).json, id));

describe('the shared SSE frame of a published event', () => {
  it('is byte for byte the encoded sseMessageJson text, with or without an id, ASCII or not', () => {
    const cases: [McpEvent, string | undefined][] = [
      [event('e1', { n: 1 }), 'get.0~g0000000042'],
      [event('e2', { text: 'déployé 🚀 ✓' }), 'get.7~g0000000043'],
      [event('e3', null), undefined],
      // An id longer than the scratch buffer, with multi-byte characters in it.
      [event('e4', { n: 4 }), `get.3~${'ü'.repeat(400)}`],
    ];
    for (const [e, id] of cases) {
      const { json } = eventNotificationJson(e);
      expect(publishedFrame(e, json, id)).toEqual(reference(e, id));
    }
  });

  it('hands streams with the same id the same bytes, and streams with another id their own', () => {
    const e = event('e5', { n: 5 });
    const { json } = eventNotificationJson(e);
    const first = publishedFrame(e, json, 'get.0~g0000000050');
    expect(publishedFrame(e, json, 'get.0~g0000000050')).toBe(first);
    const other = publishedFrame(e, json, 'get.2~g0000000050');
    expect(other).not.toBe(first);
    expect(other).toEqual(reference(e, 'get.2~g0000000050'));
    // Back to the first id, and events interleaved: always the right bytes.
    expect(publishedFrame(e, json, 'get.0~g0000000050')).toEqual(first);
    const next = event('e6', { n: 6 });
    expect(publishedFrame(next, eventNotificationJson(next).json, 'get.0~g0000000051')).toEqual(
      reference(next, 'get.0~g0000000051'),
    );
    expect(publishedFrame(e, json, undefined)).toEqual(reference(e, undefined));
  });
});
