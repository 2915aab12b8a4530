// The event model: what makeEvent refuses (with which message), and the notification each event becomes.
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../errors.js';
import {
  EVENT_LOGGER,
  eventNotification,
  inputOfServerEvent,
  type McpEvent,
  makeEvent,
  passesSubscriptions,
  serverEventOf,
} from './model.js';

const NOW = Date.UTC(2027, 0, 15, 8, 0, 0);
const options = { now: NOW, maxBytes: 65_536, newId: () => 'generated-1' };
const global = { kind: 'global' } as const;

/** The error makeEvent throws for `input`, asserted to be an InvalidEventError. */
function refusal(input: Parameters<typeof makeEvent>[0], opts = options): string {
  try {
    makeEvent(input, global, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).name).toBe('InvalidEventError');
    return (error as Error).message;
  }
  throw new Error('makeEvent accepted the input');
}

describe('makeEvent', () => {
  it('builds the event with defaults: generated id, source app, data null, ISO timestamp', () => {
    expect(makeEvent({ type: 'deploy.finished' }, global, options)).toEqual({
      id: 'generated-1',
      type: 'deploy.finished',
      source: 'app',
      data: null,
      timestamp: '2027-01-15T08:00:00.000Z',
      scope: { kind: 'global' },
    });
    const session = { kind: 'session', sessionId: 's-1' } as const;
    expect(
      makeEvent({ type: 'a/b:c_d-e.f', id: 'X.y_z-1:2', source: 'sns:arn', data: [1] }, session, options),
    ).toMatchObject({ id: 'X.y_z-1:2', type: 'a/b:c_d-e.f', source: 'sns:arn', data: [1], scope: session });
  });

  it('refuses a bad type, naming what it got', () => {
    expect(refusal({ type: 'deploy finished' })).toBe(
      'event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got "deploy finished"',
    );
    expect(refusal({ type: '' })).toBe('event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got ""');
    expect(refusal({ type: 42 as unknown as string })).toBe(
      'event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got 42',
    );
    // Long values are shortened to 80 characters in the message.
    expect(refusal({ type: 'x'.repeat(129) })).toBe(
      `event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got "${'x'.repeat(76)}...`,
    );
    expect(makeEvent({ type: 'x'.repeat(128) }, global, options).type).toHaveLength(128);
  });

  it('refuses a bad id: a slash, a hash, a tilde, empty or too long', () => {
    const message = (got: string) => `event id must be 1-128 of A-Z a-z 0-9 . _ - :; got ${got}`;
    expect(refusal({ type: 't', id: 'a/b' })).toBe(message('"a/b"'));
    expect(refusal({ type: 't', id: 'a#b' })).toBe(message('"a#b"'));
    expect(refusal({ type: 't', id: 'a~' })).toBe(message('"a~"'));
    expect(refusal({ type: 't', id: '' })).toBe(message('""'));
    expect(refusal({ type: 't', id: 'i'.repeat(129) })).toMatch(/^event id must be 1-128 /);
    expect(refusal({ type: 't' }, { ...options, newId: () => 'bad id' })).toBe(message('"bad id"'));
  });

  it('refuses an empty or overlong source', () => {
    expect(refusal({ type: 't', source: '' })).toBe(
      'event source must be a string of 1-256 characters; got ""',
    );
    expect(refusal({ type: 't', source: 's'.repeat(257) })).toMatch(
      /^event source must be a string of 1-256 characters; got "s{76}\.\.\.$/,
    );
  });

  it('refuses resources/updated without data.uri', () => {
    const message = 'a resources/updated event needs data.uri (the resource URI)';
    expect(refusal({ type: 'resources/updated' })).toBe(message);
    expect(refusal({ type: 'resources/updated', data: { uri: '' } })).toBe(message);
    expect(refusal({ type: 'resources/updated', data: { uri: 7 } })).toBe(message);
    expect(
      makeEvent({ type: 'resources/updated', data: { uri: 'file:///a' } }, global, options).data,
    ).toEqual({
      uri: 'file:///a',
    });
  });

  it('refuses data that is not JSON', () => {
    expect(refusal({ type: 't', data: { n: 1n } })).toBe(
      'event data is not JSON: Do not know how to serialize a BigInt',
    );
  });

  it('refuses an event over the limit, counting bytes of JSON (not characters)', () => {
    // The event's JSON without its data string is this long; each "é" is two bytes of UTF-8.
    const frame =
      '{"id":"e-1","type":"t","source":"app","data":"","timestamp":"2027-01-15T08:00:00.000Z","scope":{"kind":"global"}}';
    expect(frame.length).toBe(113);
    const input = { type: 't', id: 'e-1', data: 'é'.repeat(500) };
    expect(makeEvent(input, global, { ...options, maxBytes: 1113 }).id).toBe('e-1');
    expect(refusal(input, { ...options, maxBytes: 1112 })).toBe(
      'event is 1113 bytes of JSON; the limit is 1112',
    );
  });
});

const event = (type: string, data: unknown = null): McpEvent => ({
  id: 'e-1',
  type,
  source: 'app',
  data,
  timestamp: '2027-01-15T08:00:00.000Z',
  scope: { kind: 'global' },
});

describe('eventNotification', () => {
  it('sends a change type as the MCP notification itself', () => {
    expect(eventNotification(event('tools/list_changed'))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
    });
    expect(eventNotification(event('prompts/list_changed'))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/prompts/list_changed',
    });
    expect(eventNotification(event('resources/list_changed'))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/resources/list_changed',
    });
    expect(eventNotification(event('resources/updated', { uri: 'file:///a.txt', extra: 1 }))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/resources/updated',
      params: { uri: 'file:///a.txt' },
    });
  });

  it('sends any other event as notifications/message at level info from lambda-mcp/events', () => {
    expect(EVENT_LOGGER).toBe('lambda-mcp/events');
    const plain: McpEvent = {
      ...event('deploy.finished', { service: 'api' }),
      source: 'sns:arn:aws:sns:us-east-1:123456789012:t',
      scope: { kind: 'session', sessionId: 's-1' },
    };
    expect(eventNotification(plain)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: {
        level: 'info',
        logger: 'lambda-mcp/events',
        data: {
          id: 'e-1',
          type: 'deploy.finished',
          source: 'sns:arn:aws:sns:us-east-1:123456789012:t',
          timestamp: '2027-01-15T08:00:00.000Z',
          scope: 'session',
          data: { service: 'api' },
        },
      },
    });
    // A type that only looks like a change type is a plain event.
    expect(eventNotification(event('tools/changed')).method).toBe('notifications/message');
  });
});

describe('SDK change events', () => {
  it('maps each change type to its ServerEvent and back', () => {
    expect(serverEventOf(event('tools/list_changed'))).toEqual({ kind: 'tools_list_changed' });
    expect(serverEventOf(event('prompts/list_changed'))).toEqual({ kind: 'prompts_list_changed' });
    expect(serverEventOf(event('resources/list_changed'))).toEqual({ kind: 'resources_list_changed' });
    expect(serverEventOf(event('resources/updated', { uri: 'u://1' }))).toEqual({
      kind: 'resource_updated',
      uri: 'u://1',
    });
    expect(serverEventOf(event('deploy.finished'))).toBeUndefined();

    expect(inputOfServerEvent({ kind: 'tools_list_changed' })).toEqual({
      type: 'tools/list_changed',
      source: 'mcp',
      data: null,
    });
    expect(inputOfServerEvent({ kind: 'resource_updated', uri: 'u://1' })).toEqual({
      type: 'resources/updated',
      source: 'mcp',
      data: { uri: 'u://1' },
    });
    expect(() => inputOfServerEvent({ kind: 'nope' } as never)).toThrow(
      new InvalidEventError('unknown server event kind "nope"'),
    );
  });
});

describe('passesSubscriptions', () => {
  it('lets resources/updated through only for a subscribed URI, and every other event through', () => {
    const updated = makeEvent({ type: 'resources/updated', data: { uri: 'test://a' } }, global, options);
    const other = makeEvent({ type: 'resources/list_changed' }, global, options);
    expect(passesSubscriptions(updated, new Set(['test://a']))).toBe(true);
    expect(passesSubscriptions(updated, new Set(['test://b']))).toBe(false);
    expect(passesSubscriptions(updated, new Set())).toBe(false);
    expect(passesSubscriptions(other, new Set())).toBe(true);
  });
});
