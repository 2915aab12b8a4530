import { describe, expect, it } from 'vitest';
import { formatStreamCursor, parseStreamCursor } from './stream-cursor.js';

describe('the GET stream cursor', () => {
  it('reads a standalone id with both positions', () => {
    expect(parseStreamCursor('get.12~g0000000042')).toEqual({
      streamId: 'get',
      seq: 12,
      global: 'g0000000042',
    });
  });

  it('reads a request-stream id, which has no global cursor', () => {
    const id = '0b6c2e6a-8d9e-4d1b-9a3c-5f0e1d2c3b4a.3';
    expect(parseStreamCursor(id)).toEqual({
      streamId: '0b6c2e6a-8d9e-4d1b-9a3c-5f0e1d2c3b4a',
      seq: 3,
      global: undefined,
    });
  });

  it('keeps an empty global cursor, and everything after the first tilde, as the global part', () => {
    expect(parseStreamCursor('get.0~')).toEqual({ streamId: 'get', seq: 0, global: '' });
    expect(parseStreamCursor('get.0~a~b')).toEqual({ streamId: 'get', seq: 0, global: 'a~b' });
  });

  it.each([
    ['no sequence', 'get'],
    ['an empty stream id', '.4'],
    ['a negative sequence', 'get.-1'],
    ['a sequence past 2^53', `get.${2 ** 53}`],
    ['a non-numeric sequence', 'get.x~c'],
    ['nothing before the tilde', '~c'],
  ])('refuses an id with %s', (_what, id) => {
    expect(parseStreamCursor(id)).toBeUndefined();
  });

  it('formats what it parses, with and without the global part', () => {
    for (const id of ['get.0~c1', 'get.7', 'abc.def.9~', 'abc.def.9']) {
      const parsed = parseStreamCursor(id);
      expect(parsed).toBeDefined();
      if (!parsed) continue;
      expect(formatStreamCursor(parsed.streamId, parsed.seq, parsed.global)).toBe(id);
    }
  });
});
