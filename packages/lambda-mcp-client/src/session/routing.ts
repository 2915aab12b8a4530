// What a session routes alike in both eras: the capabilities it declares, the server's requests for user
// input (read whichever SDK parsed them, answered through the caller's `onElicit`), and the server's
// notifications, passed on to `onEvent` as they arrive.
import type { Elicit, ElicitationAnswer, ElicitationRequest, OnEvent } from './types.js';

/** What the client declares: it can answer form and URL elicitations. */
export const CLIENT_CAPABILITIES = { elicitation: { form: {}, url: {} } };

/** Reads the fields of an elicitation's params, whichever SDK parsed them (or a task's `inputRequests`). */
export function toElicitation(
  via: ElicitationRequest['via'],
  params: Record<string, unknown>,
): ElicitationRequest {
  const url = typeof params.url === 'string' ? params.url : undefined;
  return {
    via,
    mode: params.mode === 'url' || (params.mode === undefined && url) ? 'url' : 'form',
    message: String(params.message ?? ''),
    ...(params.requestedSchema !== undefined && {
      requestedSchema: params.requestedSchema as ElicitationRequest['requestedSchema'],
    }),
    ...(url && { url }),
  };
}

/** The answer as the SDKs take it: accepted with content (empty when none was given), or refused. */
type ElicitResult =
  | { action: 'accept'; content: NonNullable<ElicitationAnswer['content']> }
  | { action: 'decline' | 'cancel' };

/**
 * The handler of `elicitation/create`: asks `elicit` and answers what the user chose. `via` says how the
 * request came (a 2025 request, or a 2026-07-28 `input_required` result the v2 client fulfils through it).
 */
export function elicitationHandler(elicit: Elicit, via: ElicitationRequest['via']) {
  return async (request: { params: unknown }): Promise<ElicitResult> => {
    const answer = await elicit(toElicitation(via, request.params as Record<string, unknown>));
    return answer.action === 'accept'
      ? { action: 'accept', content: answer.content ?? {} }
      : { action: answer.action };
  };
}

/** A fallback notification handler: every notification goes to `onEvent`, stamped with its arrival. */
export function notificationSink(onEvent: OnEvent) {
  return async (notification: { method: string; params?: unknown }): Promise<void> => {
    onEvent({ at: new Date(), method: notification.method, params: notification.params });
  };
}
