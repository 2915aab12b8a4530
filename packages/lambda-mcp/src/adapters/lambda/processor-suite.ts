// The case suite each event processor's tests run (ALB, REST API, payload 2.0): which fixtures it matches,
// the Request it builds for each request case, and the result it answers for each response case.
import { describe, expect, it } from 'vitest';
import { httpEventFixtures } from './fixtures.js';
import type { EventProcessor } from './types.js';

/** An event and what the Request built from it must show; a header given as `null` must be absent. */
export interface RequestCase<E> {
  name: string;
  event: () => E;
  method?: string;
  url?: string;
  headers?: Record<string, string | null>;
  /** The body as text, as exact bytes, or `null` for no body at all. */
  body?: string | Uint8Array | null;
}

/**
 * A response and the result it must become: all of it (`equals`), at least these fields (`contains`), or
 * exactly these result headers (`headers`).
 */
export type ResultCase<E, R extends { headers?: unknown }> = {
  name: string;
  response: () => Response;
  /** The event being answered; the suite's `event` by default. */
  event?: () => E;
} & ({ equals: R } | { contains: Partial<R> } | { headers: R['headers'] });

/** One processor's cases. */
export interface ProcessorSuite<E, R extends { headers?: unknown }> {
  /** The processor's export name, as the test names say it. */
  name: string;
  processor: EventProcessor<E, R>;
  /** The events it recognises, in words ("REST API"). */
  recognises: string;
  /** The event the signal test and the result cases use unless a case names its own. */
  event: () => E;
  requests: RequestCase<E>[];
  results: ResultCase<E, R>[];
}

/** Registers the `matches`, `toRequest` and `toResult` tests of one processor. */
export function runProcessorSuite<E, R extends { headers?: unknown }>(suite: ProcessorSuite<E, R>): void {
  const { name, processor } = suite;

  describe(`${name}.matches`, () => {
    it(`recognises ${suite.recognises} events only`, () => {
      for (const [build, kind] of httpEventFixtures) {
        expect(processor.matches(build()), build.name).toBe(kind === processor.kind);
      }
    });
  });

  describe(`${name}.toRequest`, () => {
    it.each(suite.requests)('$name', async (testCase) => {
      await expectRequest(processor.toRequest(testCase.event()), testCase);
    });

    it('passes the signal on', () => {
      const controller = new AbortController();
      const request = processor.toRequest(suite.event(), controller.signal);
      controller.abort();
      expect(request.signal.aborted).toBe(true);
    });
  });

  describe(`${name}.toResult`, () => {
    it.each(suite.results)('$name', async (testCase) => {
      const result = await processor.toResult(testCase.response(), (testCase.event ?? suite.event)());
      if ('equals' in testCase) expect(result).toEqual(testCase.equals);
      else if ('contains' in testCase) expect(result).toMatchObject(testCase.contains);
      else expect(result.headers).toEqual(testCase.headers);
    });
  });
}

async function expectRequest<E>(request: Request, expected: RequestCase<E>): Promise<void> {
  if (expected.method !== undefined) expect(request.method).toBe(expected.method);
  if (expected.url !== undefined) expect(request.url).toBe(expected.url);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    if (value === null) expect(request.headers.has(name), name).toBe(false);
    else expect(request.headers.get(name), name).toBe(value);
  }
  if (expected.body === null) expect(request.body).toBeNull();
  else if (typeof expected.body === 'string') expect(await request.text()).toBe(expected.body);
  else if (expected.body) expect(new Uint8Array(await request.arrayBuffer())).toEqual(expected.body);
}

/** A response with `headers` and one `set-cookie` header per cookie. */
export function withCookies(
  body: string,
  headers: Record<string, string>,
  cookies: string[],
  status = 200,
): Response {
  const all = new Headers(headers);
  for (const cookie of cookies) all.append('set-cookie', cookie);
  return new Response(body, { status, headers: all });
}
