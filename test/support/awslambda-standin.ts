// A stand-in for the parts of the AWS Lambda Node.js runtime a response streaming handler meets: the
// `awslambda` global (`streamifyResponse`, `HttpResponseStream.from`) and the invoke loop that hands the
// handler its response stream and judges the invocation afterwards. Test code only; src never imports it.
//
// Modelled on aws/aws-lambda-nodejs-runtime-interface-client 3.3.0 (src/UserFunction.js, src/Runtime.js,
// src/StreamingContext.js, src/ResponseStream.js, src/HttpResponseStream.js, src/InvokeContext.js,
// src/Errors.js and test/unit/ResponseStreamTest.js); written from their behaviour, not copied:
//
// - `streamifyResponse(handler, options)` only marks the handler: it sets the registered symbol
//   `aws.lambda.runtime.handler.streaming` to `'response'` (and `...streaming.highWaterMark` when
//   `options.highWaterMark` is a number) and returns the same function. The runtime then calls it as
//   `handler(event, responseStream, context)` with the event parsed from JSON.
// - The response stream is the body of an HTTP request to the Runtime API, handed over as a plain object of
//   bound Writable methods (write, end, destroy, cork, uncork, the EventEmitter methods, setContentType) and
//   Writable properties: it is no `instanceof Writable`. Its content type defaults to
//   `application/octet-stream`; `setContentType` throws `Runtime.InvalidStreamingOperation` ("Cannot set
//   content-type, too late.") after the first write. `write` turns a chunk that is not a string, Buffer or
//   Uint8Array into JSON. `end(callback)` passes its argument straight to the request's `end`, so a chunk
//   given to `end` is written without going through `write`.
// - `HttpResponseStream.from(stream, prelude)` sets the content type
//   `application/vnd.awslambda.http-integration-response` and installs `_onBeforeFirstWrite`: the first
//   `write` call (not `end`) first writes `JSON.stringify(prelude)`, then 8 NUL bytes. It returns the same
//   stream. A response that is only ended, never written, therefore has no prelude at all.
// - After the handler's promise resolves the runtime waits for the Runtime API's answer (which comes once
//   the request body is complete) and fails the invocation with "Response stream is not finished." when
//   the stream did not finish; a rejection, a non-promise result or a stream error fails it too, reported as
//   `{errorType, errorMessage}` in the `Lambda-Runtime-Function-Error-*` trailers before the stream is ended.
//   A defined return value only earns the warning "Streaming handlers ignore return values.".
// - When the connection to the Runtime API breaks, the request (the stream) is destroyed with the error:
//   `'error'`, then `'close'`. `disconnect()` reproduces that. Note that on real Lambda a client going away
//   is not reliably reported to the function this way (AWS documents that the function keeps running and is
//   billed; aws-lambda-nodejs-runtime-interface-client#145 reports no `'close'`), so adapters must still
//   bound their work with the deadline.
//
// On top of the runtime the stand-in records every byte the handler sends, lets a test wait for recorded
// content, hold the Runtime API connection (backpressure), and times out like Lambda (the stream is then
// destroyed; the real runtime would freeze the sandbox instead).
import { Writable } from 'node:stream';

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

/** The content type `HttpResponseStream.from` sets. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** The content type of a response stream nobody set one on. */
export const DEFAULT_STREAM_CONTENT_TYPE = 'application/octet-stream';
/** Length of the NUL delimiter after the JSON prelude. */
export const PRELUDE_DELIMITER_LENGTH = 8;
/** Node's default stream highWaterMark, used when the handler was streamified without one. */
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;

/** The error the runtime throws for a misuse of the response stream. */
export class InvalidStreamingOperation extends Error {
  override name = 'Runtime.InvalidStreamingOperation';
}

type Listener = (...args: never[]) => void;

/** What the handler receives as `responseStream`: bound Writable methods and properties, no Writable. */
export interface StandinResponseStream {
  write(
    chunk: unknown,
    encoding?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean;
  end(callbackOrChunk?: unknown): unknown;
  destroy(error?: Error): unknown;
  cork(): void;
  uncork(): void;
  setContentType(contentType: string): void;
  on(event: 'close' | 'drain' | 'finish', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  addListener(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  prependListener(event: string, listener: Listener): unknown;
  prependOnceListener(event: string, listener: Listener): unknown;
  removeAllListeners(event?: string): unknown;
  listeners(event: string): unknown[];
  rawListeners(event: string): unknown[];
  listenerCount(event: string): number;
  eventNames(): (string | symbol)[];
  emit(event: string, ...args: unknown[]): boolean;
  setMaxListeners(n: number): unknown;
  getMaxListeners(): number;
  destroyed: boolean;
  writable: boolean;
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  readonly writableFinished: boolean;
  readonly writableObjectMode: boolean;
  readonly writableEnded: boolean;
  readonly writableNeedDrain: boolean;
  readonly writableHighWaterMark: number;
  readonly writableCorked: number;
  readonly writableLength: number;
}

/** The `awslambda` global as the runtime installs it. */
export const awslambda = {
  streamifyResponse<H extends (...args: never[]) => unknown>(
    handler: H,
    options?: { highWaterMark?: unknown },
  ): H {
    const marked = handler as unknown as Record<symbol, unknown>;
    marked[HANDLER_STREAMING] = STREAM_RESPONSE;
    if (typeof options?.highWaterMark === 'number') {
      marked[HANDLER_HIGHWATERMARK] = Number.parseInt(String(options.highWaterMark), 10);
    }
    return handler;
  },
  HttpResponseStream: {
    from<S extends object>(underlyingStream: S, prelude: unknown): S {
      const stream = underlyingStream as S & Partial<StandinResponseStream>;
      if (typeof stream.setContentType !== 'function') {
        throw new TypeError('underlyingStream.setContentType is not a function');
      }
      stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      const json = JSON.stringify(prelude); // NUL in a value comes out escaped, so the delimiter is unique.
      stream._onBeforeFirstWrite = (write) => {
        write(json);
        write(new Uint8Array(PRELUDE_DELIMITER_LENGTH));
      };
      return underlyingStream;
    },
  },
};

/** Sets `globalThis.awslambda` as the runtime does before it loads the handler module; returns the undo. */
export function installAwsLambdaGlobal(): () => void {
  const holder = globalThis as { awslambda?: unknown };
  const had = Object.hasOwn(holder, 'awslambda');
  const previous = holder.awslambda;
  holder.awslambda = awslambda;
  return () => {
    if (had) holder.awslambda = previous;
    else delete holder.awslambda;
  };
}

/** True when `handler` went through `streamifyResponse`. */
export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === 'function' &&
    (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === STREAM_RESPONSE
  );
}

/** The HTTP prelude, the body after the delimiter, and both as the runtime sent them. */
export interface HttpIntegrationResponse {
  prelude: {
    statusCode?: number;
    headers?: Record<string, string>;
    cookies?: string[];
    [key: string]: unknown;
  };
  body: Buffer;
  bodyText: string;
}

/** Every byte the handler sent to the Runtime API for one invocation. */
export class RecordedResponse {
  /** The stream's content type, as the Runtime API would receive it. */
  contentType = DEFAULT_STREAM_CONTENT_TYPE;
  /** Each write as it reached the Runtime API connection (prelude and delimiter included). */
  readonly chunks: Buffer[] = [];
  /** Set when the stream finished (every byte flushed) or closed. */
  finished = false;
  closed = false;
  /** The `Lambda-Runtime-Function-Error-*` trailers, when the runtime failed the invocation. */
  trailers: Record<string, string> | undefined;
  private readonly watchers = new Set<() => void>();

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }

  /**
   * Splits an HTTP integration response into its JSON prelude and body.
   *
   * @throws when the content type is not the HTTP integration one or the delimiter has not been sent.
   */
  http(): HttpIntegrationResponse {
    if (this.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
      throw new Error(`not an HTTP integration response: content type ${this.contentType}`);
    }
    const bytes = this.bytes();
    const at = bytes.indexOf(Buffer.alloc(PRELUDE_DELIMITER_LENGTH));
    if (at < 0) throw new Error(`no prelude delimiter in ${JSON.stringify(bytes.toString('utf8'))}`);
    const body = bytes.subarray(at + PRELUDE_DELIMITER_LENGTH);
    return {
      prelude: JSON.parse(bytes.subarray(0, at).toString('utf8')),
      body,
      bodyText: body.toString('utf8'),
    };
  }

  /**
   * Resolves once `predicate` holds (checked now, after every write and every recorded chunk); rejects if
   * the stream closes first, so a test never hangs on content that will not come.
   */
  waitFor(predicate: (recorded: RecordedResponse) => boolean, what = 'the expected content'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let held: boolean;
        try {
          held = predicate(this);
        } catch {
          held = false;
        }
        if (held) {
          this.watchers.delete(check);
          resolve();
        } else if (this.closed) {
          this.watchers.delete(check);
          reject(
            new Error(`the response stream closed without ${what}; recorded ${JSON.stringify(this.text())}`),
          );
        }
      };
      this.watchers.add(check);
      check();
    });
  }

  /** @internal */
  notify(): void {
    for (const check of [...this.watchers]) check();
  }
}

/** How the runtime judged the invocation. */
export type InvocationOutcome =
  | { status: 'success'; warnings: string[] }
  | { status: 'error'; errorType: string; errorMessage: string; warnings: string[] }
  | { status: 'timeout'; warnings: string[] };

/** The handler's own promise, settled. */
export type HandlerSettlement = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The context object the runtime passes (the streaming context with the invocation's data). */
export interface StandinContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  invokedFunctionArn: string;
  awsRequestId: string;
  clientContext: undefined;
  identity: undefined;
  getRemainingTimeInMillis(): number;
}

/** Options of {@link invokeStreaming}. */
export interface InvokeOptions {
  /** The function timeout for this invocation, in ms (default 10000). */
  timeoutMs?: number;
  awsRequestId?: string;
}

/** One invocation in progress. */
export interface StreamingInvocation {
  readonly response: RecordedResponse;
  /** The object the handler received as `responseStream`. */
  readonly responseStream: StandinResponseStream;
  readonly context: StandinContext;
  /** The handler's promise, settled; never rejects. */
  readonly handled: Promise<HandlerSettlement>;
  /** True once the handler's promise settled. */
  isHandled(): boolean;
  /** What the runtime reports for the invocation; never rejects. */
  readonly outcome: Promise<InvocationOutcome>;
  /** The Runtime API connection breaks: the stream is destroyed with `error` (`'error'`, then `'close'`). */
  disconnect(error?: Error): void;
  /**
   * Stops acknowledging writes: the chunk being sent stays unacknowledged and later ones wait in the stream's
   * buffer (unrecorded, as they have not reached the Runtime API), so `write` returns `false` once the
   * buffer passes the highWaterMark.
   */
  hold(): void;
  /** Acknowledges held writes and lets the stream drain. */
  release(): void;
}

/**
 * Runs one invocation of a streamified handler as the runtime's streaming invoke loop does: a fresh
 * response stream, the event parsed from JSON, then the verdict once the handler's promise settles.
 *
 * @throws when `handler` was not marked by `awslambda.streamifyResponse` (the runtime would run it buffered).
 */
export function invokeStreaming(
  handler: (...args: never[]) => unknown,
  event: unknown,
  options: InvokeOptions = {},
): StreamingInvocation {
  if (!isStreamingHandler(handler)) {
    throw new Error(
      'the handler is not marked by awslambda.streamifyResponse; the runtime would not stream it',
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const mark = (handler as unknown as Record<symbol, unknown>)[HANDLER_HIGHWATERMARK];
  const highWaterMark = typeof mark === 'number' && Number.isFinite(mark) ? mark : DEFAULT_HIGH_WATER_MARK;

  const response = new RecordedResponse();
  let holding = false;
  const held: (() => void)[] = [];
  const connection = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      response.chunks.push(Buffer.from(chunk));
      response.notify();
      if (holding) held.push(() => callback());
      else callback();
    },
  });
  // The runtime keeps its own 'error' listener on the request, so a stream error never goes unhandled.
  connection.on('error', () => {});
  connection.on('finish', () => {
    response.finished = true;
    response.notify();
  });
  connection.on('close', () => {
    response.closed = true;
    response.notify();
  });

  const responseStream = createResponseStream(connection, response);

  const deadline = Date.now() + timeoutMs;
  const context: StandinContext = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lambda-mcp-standin',
    functionVersion: '$LATEST',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/lambda-mcp-standin',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:lambda-mcp-standin',
    awsRequestId: options.awsRequestId ?? 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    clientContext: undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };

  // The Runtime API answers once the whole request body arrived; a broken connection rejects.
  const rapidResponse = new Promise<void>((resolve, reject) => {
    connection.once('finish', () => resolve());
    connection.once('error', reject);
    connection.once('close', () => {
      if (!connection.writableFinished) reject(new Error('socket hang up'));
    });
  });
  rapidResponse.catch(() => {});

  const warnings: string[] = [];
  let settle!: (outcome: InvocationOutcome) => void;
  let decided = false;
  const outcome = new Promise<InvocationOutcome>((resolve) => {
    settle = (value) => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      resolve(value);
    };
  });
  const fail = (error: unknown) => {
    const report = toRapidResponse(error);
    response.trailers = {
      'Lambda-Runtime-Function-Error-Type': report.errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(report)).toString('base64'),
    };
    if (!connection.destroyed && !connection.writableEnded) connection.end();
    settle({ status: 'error', errorType: report.errorType, errorMessage: report.errorMessage, warnings });
  };
  const timer = setTimeout(() => {
    settle({ status: 'timeout', warnings });
    connection.destroy(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`));
  }, timeoutMs);
  timer.unref();

  let handledDone = false;
  let result: unknown;
  try {
    result = (handler as (...args: unknown[]) => unknown)(
      JSON.parse(JSON.stringify(event)),
      responseStream,
      context,
    );
  } catch (error) {
    result = Promise.reject(error);
  }
  const isPromise = typeof (result as { then?: unknown } | undefined)?.then === 'function';
  const handled: Promise<HandlerSettlement> = isPromise
    ? Promise.resolve(result).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      )
    : Promise.resolve({ ok: true as const, value: result });
  void handled.then(() => {
    handledDone = true;
  });

  void (async () => {
    if (!isPromise) {
      fail('Streaming does not support non-async handlers.');
      return;
    }
    const settled = await handled;
    if (!settled.ok) {
      fail(settled.error);
      return;
    }
    if (settled.value !== undefined) warnings.push('Streaming handlers ignore return values.');
    if (!connection.writableEnded && !connection.destroyed) {
      // The real runtime would wait for the Runtime API until the function times out: say so at once.
      warnings.push('The handler resolved without ending the response stream.');
      settle({ status: 'timeout', warnings });
      connection.destroy();
      return;
    }
    try {
      await rapidResponse;
    } catch (error) {
      fail(error);
      return;
    }
    if (!responseStream.writableFinished) fail('Response stream is not finished.');
    else settle({ status: 'success', warnings });
  })();

  return {
    response,
    responseStream,
    context,
    handled,
    isHandled: () => handledDone,
    outcome,
    disconnect(error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) {
      connection.destroy(error);
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const callback of held.splice(0)) callback();
    },
  };
}

/** The runtime's response stream over `connection`: patched write and setContentType, bound methods only. */
function createResponseStream(connection: Writable, response: RecordedResponse): StandinResponseStream {
  let written = false;
  let onBeforeFirstWrite: StandinResponseStream['_onBeforeFirstWrite'];
  const bind = <K extends keyof Writable>(name: K) =>
    (connection[name] as (...args: unknown[]) => unknown).bind(connection);

  const write: StandinResponseStream['write'] = (chunk, encoding, callback) => {
    let data = chunk;
    if (
      typeof data !== 'string' &&
      !Buffer.isBuffer(data) &&
      (data as object | null)?.constructor !== Uint8Array
    ) {
      data = JSON.stringify(data);
    }
    if (!written && typeof onBeforeFirstWrite === 'function') {
      onBeforeFirstWrite((first) => connection.write(first));
    }
    const accepted = connection.write(data as string | Uint8Array, encoding as BufferEncoding, callback);
    written = true;
    response.notify(); // Lets a test wait on the stream's state (writableNeedDrain...) as well as on bytes.
    return accepted;
  };

  const stream = {
    write,
    end: (callbackOrChunk?: unknown) => connection.end(callbackOrChunk as () => void),
    destroy: bind('destroy'),
    cork: bind('cork'),
    uncork: bind('uncork'),
    setContentType(contentType: string) {
      if (written) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
      response.contentType = contentType;
    },
    on: bind('on'),
    once: bind('once'),
    off: bind('off'),
    addListener: bind('addListener'),
    removeListener: bind('removeListener'),
    prependListener: bind('prependListener'),
    prependOnceListener: bind('prependOnceListener'),
    removeAllListeners: bind('removeAllListeners'),
    listeners: bind('listeners'),
    rawListeners: bind('rawListeners'),
    listenerCount: bind('listenerCount'),
    eventNames: bind('eventNames'),
    emit: bind('emit'),
    setMaxListeners: bind('setMaxListeners'),
    getMaxListeners: bind('getMaxListeners'),
  };
  const forward = (name: keyof Writable & string, writable = false): PropertyDescriptor => ({
    get: () => connection[name],
    ...(writable && {
      set: (value: unknown) => {
        (connection as unknown as Record<string, unknown>)[name] = value;
      },
    }),
    enumerable: true,
  });
  Object.defineProperties(stream, {
    destroyed: forward('destroyed', true),
    writable: forward('writable', true),
    _onBeforeFirstWrite: {
      get: () => onBeforeFirstWrite,
      set: (value: StandinResponseStream['_onBeforeFirstWrite']) => {
        onBeforeFirstWrite = value;
      },
      enumerable: true,
    },
    writableFinished: forward('writableFinished'),
    writableObjectMode: forward('writableObjectMode'),
    writableEnded: forward('writableEnded'),
    writableNeedDrain: forward('writableNeedDrain'),
    writableHighWaterMark: forward('writableHighWaterMark'),
    writableCorked: forward('writableCorked'),
    writableLength: forward('writableLength'),
  });
  return stream as unknown as StandinResponseStream;
}

/** The `{errorType, errorMessage}` report the runtime sends for a failed invocation. */
function toRapidResponse(error: unknown): { errorType: string; errorMessage: string } {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message };
  return { errorType: typeof error, errorMessage: String(error) };
}
