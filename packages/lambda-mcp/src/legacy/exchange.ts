// Shapes the HTTP answer of one 2025-era POST exchange: a single JSON body when the server only answers,
// or an SSE stream as soon as it emits anything else first (progress, logs, server-to-client requests).
// Every SSE event is appended to the session's event log before it is written, so a client whose stream
// broke resumes with GET + Last-Event-ID and loses nothing; a client that disconnects does not cancel.
import { randomUUID } from 'node:crypto';
import {
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type RequestId,
} from '@modelcontextprotocol/server';
import { HttpError } from '../errors.js';
import { responseTooLarge } from '../http/response-limit.js';
import { RpcCode, SSE_HEADERS, sseComment, sseMessage, ssePriming } from '../http/responses.js';
import type { StoredEvent } from '../stores/types.js';
import { supportsPriming } from './versions.js';

/** Appends an event to the session's log (absent while the session is being created). */
export type AppendEvent = (streamId: string, message: JSONRPCMessage) => Promise<StoredEvent>;

/** Options of {@link Exchange}. */
export interface ExchangeOptions {
  /** The client requests this exchange answers (one, or several in a 2025-03-26 batch). */
  requests: JSONRPCRequest[];
  /** Whether the body was a batch, so the JSON answer is an array. */
  batch: boolean;
  protocolVersion: string;
  /** Extra response headers, e.g. `mcp-session-id`. */
  headers: Record<string, string>;
  append?: AppendEvent;
  retryMs: number;
  keepAliveMs: number;
  /** Runs before each terminal response is sent: persist what it changed. May throw to fail the exchange. */
  onResponse: (request: JSONRPCRequest, response: JSONRPCResponse) => Promise<void>;
  /** Messages not related to any request of this exchange (they belong on the session's GET stream). */
  onUnrelated: (message: JSONRPCMessage) => void;
  /**
   * Send server-to-client requests through `onUnrelated` (the GET stream) even when they belong to a request
   * of this exchange: on buffered Lambda the POST response reaches the client only once the call is over,
   * too late to answer an elicitation the call is waiting for.
   */
  requestsOnStandalone?: boolean;
  /** Called once when every request is answered or the exchange failed. */
  onDone: () => void;
  onerror: (error: Error) => void;
  /** Largest terminal response over SSE, in bytes of JSON; a larger one becomes a `-32603` error for its id. */
  maxResponseBytes?: number;
}

/** One exchange's response shaping; feed it the server's outbound messages through {@link Exchange.sink}. */
export class Exchange {
  /** Settles with the HTTP response: JSON once everything is answered, or SSE as soon as it upgrades. */
  readonly response: Promise<Response>;
  readonly streamId = randomUUID();

  readonly #options: ExchangeOptions;
  readonly #pending = new Map<RequestId, JSONRPCRequest>();
  readonly #collected: JSONRPCResponse[] = [];
  readonly #encoder = new TextEncoder();
  #resolve!: (response: Response) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #done = false;
  #stream?: ReadableStreamDefaultController<Uint8Array>;
  #keepAlive?: NodeJS.Timeout;
  #detached = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ExchangeOptions) {
    this.#options = options;
    for (const request of options.requests) this.#pending.set(request.id, request);
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** The transport's outbound sink. */
  readonly sink = (message: JSONRPCMessage, relatedRequestId: RequestId | undefined): void => {
    if (isJSONRPCResponse(message) && message.id !== undefined && this.#pending.has(message.id)) {
      this.#enqueue(() => this.#terminal(message));
    } else if (this.#options.requestsOnStandalone && isJSONRPCRequest(message)) {
      this.#options.onUnrelated(message);
    } else if (relatedRequestId !== undefined && this.#pending.has(relatedRequestId)) {
      this.#enqueue(() => this.#related(message));
    } else {
      this.#options.onUnrelated(message);
    }
  };

  /** Ends the exchange early (the request was aborted or the server failed): answer what can be answered. */
  fail(error: unknown): void {
    this.#enqueue(async () => {
      if (this.#done) return;
      if (!this.#stream) {
        this.#finish(error);
        return;
      }
      for (const request of this.#pending.values()) {
        await this.#write({
          jsonrpc: '2.0',
          id: request.id,
          error: { code: RpcCode.InternalError, message: 'The request ended before the server answered' },
        });
      }
      this.#pending.clear();
      this.#finish();
    });
  }

  /**
   * The HTTP request is going away (the client left, or the Lambda deadline is near). A JSON exchange
   * answers 504 and stops; an SSE exchange closes its connection but keeps serving and logging, so the
   * client can resume with GET + Last-Event-ID.
   */
  abort(): void {
    this.#enqueue(async () => {
      if (this.#done) return;
      if (!this.#stream) {
        this.#finish(
          new HttpError(504, RpcCode.InternalError, 'The request ended before the server answered'),
        );
        return;
      }
      this.#closeStream();
    });
  }

  /**
   * Closes the SSE connection without ending the exchange (SEP-1699 polling): the client reconnects with
   * GET + Last-Event-ID and gets the rest from the event log. A no-op before the stream exists.
   */
  closeConnection(): void {
    this.#enqueue(async () => this.#closeStream());
  }

  #closeStream(): void {
    clearInterval(this.#keepAlive);
    if (this.#detached || !this.#stream) return;
    this.#detached = true;
    try {
      this.#stream.close();
    } catch {
      // Already closed by the consumer.
    }
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queue = this.#queue.then(step).catch((error: unknown) => {
      this.#options.onerror(error instanceof Error ? error : new Error(String(error)));
      this.#finish(error);
    });
  }

  async #terminal(answer: JSONRPCResponse): Promise<void> {
    const id = answer.id as RequestId;
    // JSON answers are checked whole by the handler; an SSE one here, on its own.
    const response = this.#stream ? this.#limited(answer) : answer;
    const request = this.#pending.get(id);
    if (!request || this.#done) return;
    this.#pending.delete(id);
    await this.#options.onResponse(request, response);
    if (this.#stream) await this.#write(response);
    else this.#collected.push(response);
    if (this.#pending.size === 0) this.#finish();
  }

  /** An SSE answer over `maxResponseBytes` is replaced by the error a JSON answer would get. */
  #limited(response: JSONRPCResponse): JSONRPCResponse {
    const max = this.#options.maxResponseBytes;
    if (max === undefined) return response;
    const bytes = Buffer.byteLength(JSON.stringify(response));
    if (bytes <= max) return response;
    return { jsonrpc: '2.0', id: response.id, error: responseTooLarge(bytes, max) } as JSONRPCResponse;
  }

  async #related(message: JSONRPCMessage): Promise<void> {
    if (this.#done) return;
    if (!this.#stream) await this.#upgrade();
    await this.#write(message);
  }

  async #upgrade(): Promise<void> {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#stream = controller;
      },
      cancel: () => {
        // A dropped connection is not a cancellation (2025 transports): keep serving, keep logging.
        this.#detached = true;
        clearInterval(this.#keepAlive);
      },
    });
    this.#settle(new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...this.#options.headers } }));
    if (this.#options.append && supportsPriming(this.#options.protocolVersion)) {
      this.#emit(ssePriming(`${this.streamId}.0`, this.#options.retryMs));
    }
    if (this.#options.keepAliveMs > 0) {
      this.#keepAlive = setInterval(() => this.#emit(sseComment('keep-alive')), this.#options.keepAliveMs);
    }
    for (const response of this.#collected.splice(0)) await this.#write(this.#limited(response));
  }

  async #write(message: JSONRPCMessage): Promise<void> {
    let id: string | undefined;
    if (this.#options.append) {
      try {
        id = (await this.#options.append(this.streamId, message)).id;
      } catch (error) {
        // The live stream still gets the message; only its resumability is lost, and that is reported.
        this.#options.onerror(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.#emit(sseMessage(message, id));
  }

  #emit(text: string): void {
    if (this.#detached || !this.#stream) return;
    try {
      this.#stream.enqueue(this.#encoder.encode(text));
    } catch {
      this.#detached = true;
    }
  }

  #settle(response: Response): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(response);
  }

  #finish(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#stream) {
      this.#closeStream();
    } else if (error !== undefined) {
      if (!this.#settled) {
        this.#settled = true;
        this.#reject(error);
      }
    } else {
      const body = this.#options.batch ? this.#collected : this.#collected[0];
      this.#settle(
        new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/json', ...this.#options.headers },
        }),
      );
    }
    this.#options.onDone();
  }
}
