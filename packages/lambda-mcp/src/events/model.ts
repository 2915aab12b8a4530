// The event model of lambda-mcp's notifications: what a published event is, how it is checked, and how it
// reaches clients. 2025-era GET streams receive every event as a JSON-RPC notification; 2026-07-28
// `subscriptions/listen` streams receive the four MCP change kinds the SDK's listen router carries.
import type { JSONRPCNotification, LoggingLevel, ServerEvent } from '@modelcontextprotocol/server';
import { InvalidEventError } from '../errors.js';

/** Who receives an event: every open stream, or the streams of one 2025-era session. */
export type EventScope = { kind: 'global' } | { kind: 'session'; sessionId: string };

/** What a caller publishes. */
export interface EventInput {
  /** What happened, e.g. `deploy.finished` or `tools/list_changed`: 1-128 of `A-Z a-z 0-9 . _ - / :`. */
  type: string;
  /** Any JSON value. Default `null`. */
  data?: unknown;
  /** Who raised it, e.g. `sns:<topic arn>` or `aws-monitor`. Default `app`. */
  source?: string;
  /** A unique id; publishing the same id twice to the durable log stores it once. Default: a random UUID. */
  id?: string;
}

/** A published event, as every stream receives it. */
export interface McpEvent {
  id: string;
  type: string;
  source: string;
  data: unknown;
  /** ISO 8601, when lambda-mcp accepted it. */
  timestamp: string;
  scope: EventScope;
}

/** An event with its position in the global log (`cursor`: ordered, opaque), as the broadcast bus carries it. */
export interface BusEvent {
  event: McpEvent;
  /**
   * The log position of a global event, comparable with `<` among events of one log. Absent for events that
   * are not in the global log (session-targeted and instance-local internal events).
   */
  cursor?: string;
}

/** Largest event accepted by default, in bytes of JSON. */
export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;

const TYPE_PATTERN = /^[A-Za-z0-9._\-/:]{1,128}$/;
const ID_PATTERN = /^[A-Za-z0-9._\-:]{1,128}$/;

/**
 * The type of the marker a 2025 session's GET-stream message leaves in a shared global log: it tells the
 * session's live streams on other instances to read the session log. Never sent to clients.
 */
export const SESSION_LOG_EVENT = 'lambda-mcp/session-log';

/**
 * The type of the marker a 2025 session's DELETE leaves in a shared global log (scoped to the session): the
 * session's live GET streams on every instance close when they read it. Never sent to clients.
 */
export const SESSION_ENDED_EVENT = 'lambda-mcp/session-ended';

/**
 * The type of the marker a change of a 2025 session's `resources/subscribe` list leaves in the global log
 * (scoped to the session): the session's live GET streams on every instance re-read the record once when
 * they read it. Never sent to clients.
 */
export const SESSION_CHANGED_EVENT = 'lambda-mcp/session-changed';

/**
 * Whether a 2025 session subscribed to the given resources receives the event: a `resources/updated` event
 * only when its `data.uri` is one of them (`resources/subscribe`); every other event passes.
 */
export function passesSubscriptions(event: McpEvent, subscriptions: ReadonlySet<string>): boolean {
  if (event.type !== 'resources/updated') return true;
  const uri = (event.data as { uri?: unknown } | null)?.uri;
  return typeof uri === 'string' && subscriptions.has(uri);
}

/** The logger name of event notifications on 2025-era streams. */
export const EVENT_LOGGER = 'lambda-mcp/events';

/**
 * Event types that are MCP change notifications: on 2025-era streams they arrive as the notification itself
 * (e.g. `notifications/tools/list_changed`), on 2026-07-28 listen streams as the SDK's change event.
 */
export const CHANGE_EVENT_TYPES = {
  'tools/list_changed': 'tools_list_changed',
  'prompts/list_changed': 'prompts_list_changed',
  'resources/list_changed': 'resources_list_changed',
  'resources/updated': 'resource_updated',
} as const satisfies Record<string, ServerEvent['kind']>;

/**
 * Checks an input and builds the event.
 *
 * @throws {InvalidEventError} naming what is wrong.
 */
export function makeEvent(
  input: EventInput,
  scope: EventScope,
  options: { now: number; maxBytes: number; newId: () => string },
): McpEvent {
  if (typeof input.type !== 'string' || !TYPE_PATTERN.test(input.type)) {
    throw new InvalidEventError(`event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got ${show(input.type)}`);
  }
  const id = input.id ?? options.newId();
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new InvalidEventError(`event id must be 1-128 of A-Z a-z 0-9 . _ - :; got ${show(id)}`);
  }
  const source = input.source ?? 'app';
  if (typeof source !== 'string' || source.length === 0 || source.length > 256) {
    throw new InvalidEventError(`event source must be a string of 1-256 characters; got ${show(source)}`);
  }
  if (input.type === 'resources/updated') {
    const uri = (input.data as { uri?: unknown } | null | undefined)?.uri;
    if (typeof uri !== 'string' || uri.length === 0) {
      throw new InvalidEventError('a resources/updated event needs data.uri (the resource URI)');
    }
  }
  const event: McpEvent = {
    id,
    type: input.type,
    source,
    data: input.data ?? null,
    timestamp: new Date(options.now).toISOString(),
    scope,
  };
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new InvalidEventError(`event data is not JSON: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(json ?? '');
  if (bytes > options.maxBytes) {
    throw new InvalidEventError(`event is ${bytes} bytes of JSON; the limit is ${options.maxBytes}`);
  }
  return event;
}

/**
 * The JSON-RPC notification a 2025-era stream receives for an event: the MCP notification for change types,
 * otherwise `notifications/message` at level `info` from logger `lambda-mcp/events`, its `data` the event.
 */
export function eventNotification(event: McpEvent): JSONRPCNotification {
  if (event.type in CHANGE_EVENT_TYPES) {
    const params =
      event.type === 'resources/updated' ? { uri: (event.data as { uri: string }).uri } : undefined;
    return { jsonrpc: '2.0', method: `notifications/${event.type}`, ...(params && { params }) };
  }
  return {
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: {
      level: 'info',
      logger: EVENT_LOGGER,
      data: {
        id: event.id,
        type: event.type,
        source: event.source,
        timestamp: event.timestamp,
        scope: event.scope.kind,
        data: event.data,
      },
    },
  };
}

const serialized = new WeakMap<McpEvent, { notification: JSONRPCNotification; json: string }>();

/**
 * {@link eventNotification} and its JSON, computed once per event however many streams write it (the bus
 * hands every stream the same event object).
 */
export function eventNotificationJson(event: McpEvent): { notification: JSONRPCNotification; json: string } {
  let entry = serialized.get(event);
  if (!entry) {
    const notification = eventNotification(event);
    entry = { notification, json: JSON.stringify(notification) };
    serialized.set(event, entry);
  }
  return entry;
}

/** The SDK change event for a change-type event, for 2026-07-28 listen streams; otherwise `undefined`. */
export function serverEventOf(event: McpEvent): ServerEvent | undefined {
  switch (event.type) {
    case 'tools/list_changed':
      return { kind: 'tools_list_changed' };
    case 'prompts/list_changed':
      return { kind: 'prompts_list_changed' };
    case 'resources/list_changed':
      return { kind: 'resources_list_changed' };
    case 'resources/updated':
      return { kind: 'resource_updated', uri: (event.data as { uri: string }).uri };
    default:
      return undefined;
  }
}

/** The event input that carries an SDK change event through the global log. */
export function inputOfServerEvent(event: ServerEvent): EventInput {
  const type = Object.entries(CHANGE_EVENT_TYPES).find(([, kind]) => kind === event.kind)?.[0];
  if (!type)
    throw new InvalidEventError(`unknown server event kind ${show((event as { kind: unknown }).kind)}`);
  return {
    type,
    source: 'mcp',
    data: event.kind === 'resource_updated' ? { uri: event.uri } : null,
  };
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** MCP log levels, least severe first (RFC 5424 order). */
const LOG_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/**
 * Whether a session whose client set `level` with `logging/setLevel` receives this notification: log
 * messages below the level are held back; every other notification passes.
 */
export function passesLogLevel(notification: JSONRPCNotification, level: LoggingLevel | undefined): boolean {
  if (level === undefined || notification.method !== 'notifications/message') return true;
  const own = LOG_LEVELS.indexOf(notification.params?.level as LoggingLevel);
  return own === -1 || own >= LOG_LEVELS.indexOf(level);
}
