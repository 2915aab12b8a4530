// `--debug`: a fetch wrapper that writes every HTTP exchange out as it happens — method, URL, headers
// (credentials redacted: the token, the client secret, cookies) and body of each request (tokens an
// authorization server answers redacted too), then status, headers and body of its response, SSE bodies
// chunk by chunk as they arrive — with bodies cut at the wire recorder's limit.
import { redactHeader, truncate } from '../runner/wire.js';
import type { FetchFn } from '../sdk.js';

/** JSON members whose value is a credential: a token endpoint's answer, a client secret. */
const SECRET_MEMBERS = /("(?:access_token|refresh_token|id_token|client_secret)"\s*:\s*)"[^"]*"/g;

/** `text` with the values of credential-bearing JSON members (and form fields) replaced. */
export function redactBody(text: string): string {
  return text
    .replace(SECRET_MEMBERS, '$1"[redacted]"')
    .replace(/(^|&)(client_secret|assertion|client_assertion)=[^&]*/g, '$1$2=[redacted]');
}

function headerLines(headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((value, name) => {
    lines.push(`  ${name}: ${redactHeader(name, value)}\n`);
  });
  return lines.join('');
}

/**
 * Wraps `fetchFn` so every exchange is written out: method, URL, headers and body of the request, then the
 * status, headers and body of the response (SSE bodies chunk by chunk as they arrive), bodies truncated.
 */
export function debugFetch(fetchFn: FetchFn, write: (text: string) => void): FetchFn {
  let counter = 0;
  return async (input, init) => {
    const n = ++counter;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const target = input instanceof Request ? input.url : String(input);
    const requestHeaders = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    const sent =
      typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? String(init.body) : '';
    const body = sent ? `  ${truncate(redactBody(sent))}\n` : '';
    write(`[http ${n}] → ${method} ${target}\n${headerLines(requestHeaders)}${body}`);
    const started = Date.now();
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      write(`[http ${n}] ✗ ${method} ${target} failed after ${Date.now() - started} ms: ${String(error)}\n`);
      throw error;
    }
    const head = `[http ${n}] ← ${response.status} ${response.statusText} (${Date.now() - started} ms)\n${headerLines(response.headers)}`;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/event-stream') && response.body) {
      write(head);
      const decoder = new TextDecoder();
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const text = decoder.decode(chunk, { stream: true }).trimEnd();
          if (text) write(`[http ${n}] ← SSE ${truncate(redactBody(text)).replace(/\n/g, '\n  ')}\n`);
          controller.enqueue(chunk);
        },
        flush() {
          write(`[http ${n}] ← SSE stream ended\n`);
        },
      });
      return new Response(response.body.pipeThrough(tap), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    const text = response.body ? await response.clone().text() : '';
    write(`${head}${text ? `  ${truncate(redactBody(text))}\n` : ''}`);
    return response;
  };
}
