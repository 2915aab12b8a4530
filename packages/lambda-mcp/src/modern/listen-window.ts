// The listen window of buffered Lambda: a 2026-07-28 `subscriptions/listen` stream never ends by itself,
// and a buffered invocation returns its body only when the stream ends, so the request is held open for a
// bounded window and then aborted, which makes the SDK end the stream cleanly.
import type { PostBody } from '../http/edge.js';

/** Whether a 2026-07-28 POST opens a `subscriptions/listen` stream. */
export function isListen(request: Request, body: PostBody | undefined): boolean {
  if (request.method !== 'POST') return false;
  const value = body?.kind === 'json' ? (body.value as { method?: unknown }) : undefined;
  return value?.method === 'subscriptions/listen';
}

/**
 * The same request with a signal that also aborts after `ms`: the SDK ends a listen stream when its request
 * aborts, which is how a buffered Lambda gets its (whole) body back within the gateway's timeout. The body
 * was read already and goes to the SDK parsed, so the copy carries none. undici lets a Request's signal stop
 * following its source once the Request is garbage collected (nodejs/node#55428), so the timer holds the
 * copy until the window ends.
 */
export function holdFor(request: Request, ms: number): Request {
  const controller = new AbortController();
  const held = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: controller.signal,
  });
  const end = () => {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', end);
    controller.abort(held.signal.aborted ? undefined : request.signal.reason);
  };
  const timer = setTimeout(end, ms);
  if (request.signal.aborted) end();
  else request.signal.addEventListener('abort', end, { once: true });
  return held;
}
