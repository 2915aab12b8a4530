// The SDK `Transport` for one HTTP exchange of a 2025-era session. A fresh server instance connects to it,
// gets the session's stored `initialize` replayed, then serves the real messages. Server-to-client requests
// leave with ids that are unique across the session, and their answers come back through the mailbox,
// whichever handler instance received them.
import { randomUUID } from 'node:crypto';
import {
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type MessageExtraInfo,
  type RequestId,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';
import type { ResponseMailbox, SessionRecord } from '../stores/types.js';

const RESTORE_ID_PREFIX = 'lambda-mcp:restore:';
/** Prefix of the wire ids of server-to-client requests. */
const SERVER_REQUEST_ID_PREFIX = 's-';

/** Whether `id` is one this transport minted for a server-to-client request. */
export function isServerRequestId(id: unknown): id is string {
  return typeof id === 'string' && id.startsWith(SERVER_REQUEST_ID_PREFIX);
}

/** Where the transport hands what the server sends. */
export type OutboundSink = (message: JSONRPCMessage, relatedRequestId: RequestId | undefined) => void;

/** Options of {@link ExchangeTransport}. */
export interface ExchangeTransportOptions {
  /** The session this exchange serves; server-to-client requests need one to receive answers. */
  sessionId: string;
  mailbox: ResponseMailbox;
  sink: OutboundSink;
}

/** A connected, single-exchange transport; see the module comment. */
export class ExchangeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  readonly sessionId: string;

  readonly #mailbox: ResponseMailbox;
  readonly #sink: OutboundSink;
  readonly #abort = new AbortController();
  readonly #restoreWaiters = new Map<string, (response: JSONRPCResponse) => void>();
  #restoring = false;
  #restoreSeq = 0;
  #closed = false;

  constructor(options: ExchangeTransportOptions) {
    this.sessionId = options.sessionId;
    this.#mailbox = options.mailbox;
    this.#sink = options.sink;
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isJSONRPCResponse(message) && typeof message.id === 'string') {
      const waiter = this.#restoreWaiters.get(message.id);
      if (waiter) {
        this.#restoreWaiters.delete(message.id);
        waiter(message);
        return;
      }
    }
    // Whatever a server emits while its session is being restored was already emitted when the session began.
    if (this.#restoring || this.#closed) return;
    if (isJSONRPCRequest(message)) {
      this.#sink({ ...message, id: this.#awaitAnswer(message.id) }, options?.relatedRequestId);
      return;
    }
    this.#sink(message, options?.relatedRequestId);
  }

  /** Hands one inbound message to the connected server. */
  deliver(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }

  /**
   * Replays the session's `initialize`, `notifications/initialized` and stored log level into the freshly
   * connected server, so it knows the client's capabilities and version before the real message arrives.
   */
  async restore(session: SessionRecord, extra?: MessageExtraInfo): Promise<void> {
    this.#restoring = true;
    try {
      await this.#call('initialize', session.initializeParams, extra);
      this.deliver({ jsonrpc: '2.0', method: 'notifications/initialized' }, extra);
      if (session.logLevel) await this.#call('logging/setLevel', { level: session.logLevel }, extra);
    } finally {
      this.#restoring = false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new Error('The exchange ended before the client answered'));
    this.onclose?.();
  }

  #call(method: string, params: Record<string, unknown>, extra?: MessageExtraInfo): Promise<JSONRPCResponse> {
    const id = `${RESTORE_ID_PREFIX}${++this.#restoreSeq}`;
    const answered = new Promise<JSONRPCResponse>((resolve) => this.#restoreWaiters.set(id, resolve));
    this.deliver({ jsonrpc: '2.0', id, method, params }, extra);
    return answered;
  }

  /**
   * Gives a server-to-client request a session-unique wire id (every fresh server counts its own ids from
   * 0) and routes the client's answer back under the server's own id.
   */
  #awaitAnswer(serverId: RequestId): string {
    const wireId = `${SERVER_REQUEST_ID_PREFIX}${randomUUID()}`;
    this.#mailbox.receive(this.sessionId, wireId, this.#abort.signal).then(
      (response) => this.deliver({ ...response, id: serverId }),
      () => {
        // The exchange ended first; the server's own request timeout reports it to the handler.
      },
    );
    return wireId;
  }
}
