import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse.js';

/** The SSE rule, read whole: lines end at CRLF, CR or LF; a blank line ends an event. */
function reference(text: string, comments: boolean): SseEvent[] {
  const events: SseEvent[] = [];
  let event: SseEvent = {};
  let fields = 0;
  const lines = text.split(/\r\n|\r|\n/);
  const complete = lines.slice(0, -1);
  const flush = () => {
    if (fields > 0 || event.comment !== undefined) events.push(event);
    event = {};
    fields = 0;
  };
  for (const line of [...complete, ...(lines.at(-1) ? [lines.at(-1) as string] : [])]) {
    if (line === '') {
      flush();
      continue;
    }
    if (line.startsWith(':')) {
      if (comments) event.comment = event.comment === undefined ? line : `${event.comment}\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    fields++;
    if (name === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }
  flush();
  return events;
}

/** A small seeded generator, so a failure names a reproducible case. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
}

const PIECES = [
  '\n',
  '\r',
  '\r\n',
  'data: x',
  'data:y',
  'data',
  'id: 7',
  'event: e',
  'retry: 50',
  'retry: x',
  ': c',
  ':',
  'a',
];

describe('the SSE parser', () => {
  it('reads the events of a typical stream, split anywhere', () => {
    const text =
      'id: get.0\nretry: 1000\ndata: \n\n: keep-alive\n\nevent: message\nid: get.1\ndata: {"a":1}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { id: 'get.0', retry: 1000, data: '' },
        { event: 'message', id: 'get.1', data: '{"a":1}' },
      ]);
    }
  });

  it('keeps comments only when asked, as events of their own', () => {
    const parser = new SseParser({ comments: true });
    expect(parser.push(': dropped: more than 4 events behind\n\n')).toEqual([
      { comment: ': dropped: more than 4 events behind' },
    ]);
  });

  it('agrees with the SSE line rule on 5,000 random streams cut into random chunks', () => {
    const next = random(20261203);
    for (let run = 0; run < 5000; run++) {
      let text = '';
      for (let i = next(24); i > 0; i--) text += PIECES[next(PIECES.length)];
      const comments = run % 2 === 0;
      const parser = new SseParser({ comments });
      const got: SseEvent[] = [];
      for (let rest = text; rest.length > 0; ) {
        const size = 1 + next(rest.length);
        got.push(...parser.push(rest.slice(0, size)));
        rest = rest.slice(size);
      }
      got.push(...parser.end());
      expect(got, JSON.stringify(text)).toEqual(reference(text, comments));
    }
  });
});
