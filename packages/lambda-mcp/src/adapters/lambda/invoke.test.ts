// Tests of the shared invoke path on its own: what reaches the app and `onOtherEvent`, the 500 answer, a
// Request that cannot be built, and the deadline timers cleared whatever the delivery does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvocationDeadlineError } from '../../errors.js';
import { INTERNAL_ERROR_BODY } from '../../http/responses.js';
import { functionUrlEvent, httpApiEvent, sqsEvent } from './fixtures.js';
import { createInvoke, type Delivery, type HttpExchange } from './invoke.js';
import type { FetchHandler } from './types.js';

const okApp: FetchHandler = { fetch: async () => new Response('ok') };

/** A delivery that sends the request to the app and answers with the status and text it got back. */
const echo: Delivery<string> = {
  other: (result) => `other: ${String(result)}`,
  async http({ request, fetch, deadline }: HttpExchange) {
    const response = await fetch(request(deadline.signal));
    return `${response.status} ${await response.text()}`;
  },
};

describe('createInvoke', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes the Lambda context to app.fetch, and no extras without one', async () => {
    const fetch = vi.fn(okApp.fetch);
    const invoke = createInvoke({ fetch });
    const context = { awsRequestId: 'req-1' };
    expect(await invoke(functionUrlEvent(), context, echo)).toBe('200 ok');
    expect(await invoke(functionUrlEvent(), undefined, echo)).toBe('200 ok');
    expect(fetch.mock.calls.map(([, extras]) => extras)).toEqual([{ lambdaContext: context }, undefined]);
  });

  it('hands other events with their context to onOtherEvent, and its result to the delivery', async () => {
    const onOtherEvent = vi.fn(async () => 'handled');
    const http = vi.fn(echo.http);
    const invoke = createInvoke(okApp, { onOtherEvent });
    const event = sqsEvent();
    const context = { functionName: 'fn' };
    expect(await invoke(event, context, { ...echo, http })).toBe('other: handled');
    expect(onOtherEvent).toHaveBeenCalledWith(event, context);
    expect(http).not.toHaveBeenCalled();
  });

  it('fail() reports the error and builds the JSON-RPC internal error response', async () => {
    const onError = vi.fn();
    const failure = new Error('boom');
    const invoke = createInvoke(okApp, { onError });
    const response = await invoke<Response>(httpApiEvent(), undefined, {
      other: () => Promise.reject(new Error('not an HTTP event')),
      http: async ({ fail }) => fail(failure),
    });
    expect(onError).toHaveBeenCalledWith(failure);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(INTERNAL_ERROR_BODY);
  });

  it('rejects with what building the Request throws, before the app is called', async () => {
    const fetch = vi.fn(okApp.fetch);
    const invoke = createInvoke({ fetch });
    const event = httpApiEvent({ headers: { host: 'not a host' } });
    await expect(invoke(event, undefined, echo)).rejects.toBeInstanceOf(TypeError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('clears the deadline timers when the delivery settles, also when it throws', async () => {
    vi.useFakeTimers();
    const invoke = createInvoke(okApp);
    const context = { getRemainingTimeInMillis: () => 60_000 };
    expect(await invoke(httpApiEvent(), context, echo)).toBe('200 ok');
    expect(vi.getTimerCount()).toBe(0);
    const broken = invoke(httpApiEvent(), context, {
      ...echo,
      http: async ({ deadline }) => {
        expect(deadline.signal.aborted).toBe(false);
        throw new Error('delivery failed');
      },
    });
    await expect(broken).rejects.toThrow('delivery failed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers 503 + Retry-After when the deadline comes before the app, and reports it', async () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    let finish: (response: Response) => void = () => {};
    const slow: FetchHandler = {
      fetch: () => new Promise<Response>((resolve) => (finish = resolve)),
    };
    const invoke = createInvoke(slow, { onError, deadlineMarginMs: 1000 });
    const context = { getRemainingTimeInMillis: () => 1500 };
    const answered = invoke(httpApiEvent(), context, echo);
    await vi.advanceTimersByTimeAsync(499);
    expect(onError).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    const text = await answered;
    expect(text.startsWith('503 ')).toBe(true);
    expect(JSON.parse(text.slice(4))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32603,
        message: 'Service Unavailable: the request did not finish within the function timeout',
      },
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(InvocationDeadlineError);
    // The app's late answer changes nothing and is not reported as a failure.
    finish(new Response('late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('leaves an answer the app gave in time alone, headers included', async () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const app: FetchHandler = {
      fetch: async () => new Response('ok', { status: 201, headers: { 'x-app': '1' } }),
    };
    const invoke = createInvoke(app, { onError, deadlineMarginMs: 1000 });
    const response = await invoke<Response>(
      httpApiEvent(),
      { getRemainingTimeInMillis: () => 1500 },
      {
        other: () => Promise.reject(new Error('not an HTTP event')),
        http: async ({ request, fetch, deadline }) => fetch(request(deadline.signal)),
      },
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-app')).toBe('1');
    expect(onError).not.toHaveBeenCalled();
  });
});
