// The SDK's `ServerEventBus` (the source of 2026-07-28 `subscriptions/listen` notifications) over the event
// feed: a change published on any instance goes into the global log, and every instance's poller hands it
// to the listen streams open there. The SDK keeps the wire semantics (ack, filtering, subscription ids).
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import type { EventFeed } from './feed.js';
import { CHANGE_EVENT_TYPES, inputOfServerEvent, serverEventOf } from './model.js';

/** See the module comment. */
export class FeedServerEventBus implements ServerEventBus {
  readonly #feed: EventFeed;
  readonly #onerror: (error: Error) => void;

  constructor(feed: EventFeed, onerror: (error: Error) => void = () => {}) {
    this.#feed = feed;
    this.#onerror = onerror;
  }

  /** Logs the change; delivery follows through the feed, on this instance and the others. */
  publish(event: ServerEvent): void {
    const input = inputOfServerEvent(event);
    this.#feed.publish(input, { kind: 'global' }).catch((error) => this.#onerror(error as Error));
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    return this.#feed.bus.subscribe({
      filter: (event) => event.type in CHANGE_EVENT_TYPES,
      deliver: ({ event }) => {
        const change = serverEventOf(event);
        if (change) listener(change);
      },
    });
  }
}
