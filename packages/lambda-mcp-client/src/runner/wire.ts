// The wire recorder: a `fetch` that keeps each exchange (method, URL, headers, bodies, status) of a test for
// the report, recording response bodies as they are read (up to a limit) so streams stay usable.
import type { Exchange, FetchFn } from './types.js';

/** Longest body text kept per request and response, in characters. */
export const BODY_LIMIT = 2000;

/** `text`, cut at `limit` characters with a note of how many more there were. */
export function truncate(text: string, limit = BODY_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}

/**
 * How a header is shown in reports and `--debug`: credentials (`authorization`, cookies) never in clear, only
 * their scheme and length, e.g. `Bearer [redacted, 812 characters]`.
 *
 * @example
 * redactHeader('authorization', 'Bearer eyJhbGciOi…'); // 'Bearer [redacted, 17 characters]'
 */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower !== 'authorization' && lower !== 'cookie' && lower !== 'set-cookie') return value;
  const space = value.indexOf(' ');
  const scheme = lower === 'authorization' && space > 0 ? `${value.slice(0, space)} ` : '';
  return `${scheme}[redacted, ${value.length - scheme.length} characters]`;
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = redactHeader(name, value);
  });
  return record;
}

function describeBody(body: RequestInit['body'] | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return truncate(body);
  if (body instanceof URLSearchParams) return truncate(body.toString());
  return '(binary or streamed body)';
}

/**
 * Records every exchange made through its `fetch`. Response bodies are recorded as their reader consumes
 * them (a pass-through stream, so long-lived SSE streams stay live and nothing is buffered twice); a body
 * nobody reads is not recorded.
 */
export class WireRecorder {
  readonly exchanges: Exchange[] = [];
  readonly #signal: AbortSignal;
  readonly #base: FetchFn;

  /** `base` sends the recorded requests (default: the global fetch; the runner's adds the bearer token). */
  constructor(signal: AbortSignal, base: FetchFn = (input, init) => fetch(input, init)) {
    this.#signal = signal;
    this.#base = base;
  }

  /** The recording `fetch`; every request also aborts when the test's signal does. */
  readonly fetch: FetchFn = (input, init) => this.#record(this.#base, input, init);

  /** A recording `fetch` that sends through `base` instead (e.g. one that adds no token). */
  through(base: FetchFn): FetchFn {
    return (input, init) => this.#record(base, input, init);
  }

  async #record(send: FetchFn, input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const base = input instanceof Request ? input : new Request(input, init);
    const signal = AbortSignal.any(init?.signal ? [init.signal, this.#signal] : [this.#signal]);
    const request = new Request(base, { ...(input instanceof Request ? init : {}), signal });
    const exchange: Exchange = {
      method: request.method,
      url: request.url,
      requestHeaders: headerRecord(request.headers),
      durationMs: 0,
    };
    const body = describeBody(init?.body);
    if (body !== undefined) exchange.requestBody = body;
    this.exchanges.push(exchange);
    const started = performance.now();
    let response: Response;
    try {
      response = await send(request);
    } catch (error) {
      exchange.durationMs = Math.round(performance.now() - started);
      exchange.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw error;
    }
    exchange.durationMs = Math.round(performance.now() - started);
    exchange.status = response.status;
    exchange.responseHeaders = headerRecord(response.headers);
    if (!response.body) return response;
    return new Response(recordingStream(response.body, exchange), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
}

/** Passes `body` through unchanged, keeping the first {@link BODY_LIMIT} characters in the exchange. */
function recordingStream(body: ReadableStream<Uint8Array>, exchange: Exchange): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  exchange.responseBody = '';
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          controller.error(error);
          return;
        }
        if (chunk.done) {
          controller.close();
          return;
        }
        if (text.length <= BODY_LIMIT) {
          text += decoder.decode(chunk.value, { stream: true });
          exchange.responseBody = truncate(text);
        }
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The exchanges as readable text for the detailed report. */
export function formatExchanges(exchanges: readonly Exchange[], indent = '      '): string {
  const lines: string[] = [];
  for (const exchange of exchanges) {
    lines.push(`${indent}→ ${exchange.method} ${exchange.url}`);
    for (const [name, value] of Object.entries(exchange.requestHeaders))
      lines.push(`${indent}  ${name}: ${value}`);
    if (exchange.requestBody)
      lines.push(`${indent}  ${exchange.requestBody.replaceAll('\n', `\n${indent}  `)}`);
    if (exchange.error) {
      lines.push(`${indent}← failed after ${exchange.durationMs} ms: ${exchange.error}`);
      continue;
    }
    lines.push(`${indent}← ${exchange.status} (${exchange.durationMs} ms)`);
    for (const [name, value] of Object.entries(exchange.responseHeaders ?? {})) {
      lines.push(`${indent}  ${name}: ${value}`);
    }
    if (exchange.responseBody) {
      lines.push(`${indent}  ${exchange.responseBody.trimEnd().replaceAll('\n', `\n${indent}  `)}`);
    }
  }
  return lines.join('\n');
}
