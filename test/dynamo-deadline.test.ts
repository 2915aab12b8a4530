// A stalled DynamoDB (dynalite frozen with SIGSTOP in a child process): every store call has a total deadline
// (STORE_TIMEOUT_MS, retries included), so a 2025 request answers 503 + Retry-After + a JSON-RPC error within
// it instead of hanging for as long as the store stalls; after SIGCONT the same session continues with
// nothing lost. The event-log poller keeps at most one call in flight and backs off while the store stalls.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConfigError,
  createLambdaMcp,
  type EnvStores,
  StoreUnavailableError,
  storesFromEnv,
} from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { InvocationDeadlineError, toLambdaHandler } from 'lambda-mcp/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { EventFeed } from '../packages/lambda-mcp/src/events/feed.js';
import type { BusEvent } from '../packages/lambda-mcp/src/events/model.js';
import { type ChildDynamo, startChildDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { initializeMessage, post, TEST_KEY } from './helpers.js';

const DEADLINE_MS = 500;
/** Room for the handler's own work and a loaded test machine, on top of the store deadline. */
const MARGIN_MS = 400;

let dynamo: ChildDynamo;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  dynamo = await startChildDynamo();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  // Resumes (SIGCONT) before killing, whatever a failed test left behind.
  await dynamo?.close();
});

/** Polls `check` until it holds, failing after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const echo = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text } },
});

describe('store deadline (dynalite frozen)', () => {
  it('answers a 2025 tools/call 503 + Retry-After within STORE_TIMEOUT_MS, then the session continues intact', async () => {
    const stores: EnvStores = await storesFromEnv(
      {
        STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        SESSION_TABLE_NAME: await dynamo.newTable(),
        STORE_TIMEOUT_MS: String(DEADLINE_MS),
      },
      () => {},
    );
    cleanups.push(() => stores.close());
    const errors: Error[] = [];
    const handler = createLambdaMcp(createTestServer, {
      ...stores.options,
      requestStateKey: TEST_KEY,
      sse: 'poll',
      onerror: (error) => errors.push(error),
    });
    const init = await post(handler, initializeMessage('2025-11-25', 'frozen'));
    expect(init.status).toBe(200);
    const sessionId = init.headers.get('mcp-session-id') as string;
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    expect((await post(handler, echo(2, 'before'), headers)).status).toBe(200);
    const { sessionStore, eventStore } = stores.options;
    if (!sessionStore || !eventStore) throw new Error('storesFromEnv gave no DynamoDB stores');
    await eventStore.append(sessionId, 'kept', {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { n: 1 },
    });
    await eventStore.append(sessionId, 'kept', {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { n: 2 },
    });
    const sessionBefore = await sessionStore.get(sessionId);
    const eventsBefore = await eventStore.read(sessionId, 'kept', 0);
    expect(eventsBefore.events).toHaveLength(2);

    dynamo.pause();
    const started = Date.now();
    const during = await post(handler, echo(3, 'during'), headers);
    const elapsed = Date.now() - started;
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1');
    expect(await during.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32603 } });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    console.log(
      `dynamo-deadline: 503 after ${elapsed} ms with the store frozen (deadline ${DEADLINE_MS} ms)`,
    );
    const failure = errors.find((error) => error instanceof StoreUnavailableError);
    expect(failure?.message).toMatch(/deadline/);

    dynamo.resume();
    // Nothing was lost or half-written: the session and its stored events are as they were.
    expect(await sessionStore.get(sessionId)).toEqual(sessionBefore);
    expect(await eventStore.read(sessionId, 'kept', 0)).toEqual(eventsBefore);
    const after = await post(handler, echo(4, 'after'), headers);
    expect(after.status).toBe(200);
    expect((await after.json()).result.content).toEqual([{ type: 'text', text: 'after' }]);
  }, 15_000);

  it('on Lambda, answers 503 before the function times out when the time left is under the store deadline', async () => {
    // The default 3000 ms store deadline, but only 1200 ms left in the invocation and a 1000 ms margin: the
    // adapter answers at ~200 ms instead of letting the call run the function into its timeout.
    const stores: EnvStores = await storesFromEnv(
      { STORE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, SESSION_TABLE_NAME: await dynamo.newTable() },
      () => {},
    );
    cleanups.push(() => stores.close());
    const core = createLambdaMcp(createTestServer, {
      ...stores.options,
      requestStateKey: TEST_KEY,
      sse: 'poll',
      onerror: () => {},
    });
    const reported: unknown[] = [];
    const handler = toLambdaHandler(core, {
      deadlineMarginMs: 1000,
      onError: (error) => reported.push(error),
    });
    const event = (body: unknown, headers: Record<string, string> = {}) =>
      functionUrlEvent({
        requestContext: {
          ...functionUrlEvent().requestContext,
          http: { ...functionUrlEvent().requestContext.http, method: 'POST' },
        },
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const roomy = { getRemainingTimeInMillis: () => 60_000 };
    const init = (await handler(
      event(initializeMessage('2025-11-25', 'deadline')),
      roomy,
    )) as APIGatewayProxyStructuredResultV2;
    expect(init.statusCode).toBe(200);
    const sessionId = (init.headers as Record<string, string>)['mcp-session-id'] as string;
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };

    dynamo.pause();
    let elapsed: number;
    let during: APIGatewayProxyStructuredResultV2;
    try {
      const started = Date.now();
      during = (await handler(event(echo(2, 'during'), headers), {
        getRemainingTimeInMillis: () => 1200 - (Date.now() - started),
      })) as APIGatewayProxyStructuredResultV2;
      elapsed = Date.now() - started;
    } finally {
      dynamo.resume();
    }
    expect(during.statusCode).toBe(503);
    expect((during.headers as Record<string, string>)['retry-after']).toBe('1');
    expect(JSON.parse(during.body as string)).toMatchObject({ error: { code: -32603 } });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(200 + MARGIN_MS);
    expect(reported.some((error) => error instanceof InvocationDeadlineError)).toBe(true);
    console.log(
      `dynamo-deadline: Lambda answered 503 after ${elapsed} ms with 1200 ms left (store deadline 3000 ms)`,
    );
    // The session is intact and serves the next invocation.
    const after = (await handler(
      event(echo(3, 'after'), headers),
      roomy,
    )) as APIGatewayProxyStructuredResultV2;
    expect(after.statusCode).toBe(200);
  }, 15_000);

  it('bounds a caller’s own client too (createDynamoStores timeoutMs), retries included', async () => {
    const { client } = dynamo.newClient();
    cleanups.push(() => client.destroy());
    const { sessionStore } = createDynamoStores({
      client,
      tableName: await dynamo.newTable(),
      timeoutMs: 300,
    });
    expect(await sessionStore.get('s-absent')).toBeUndefined();
    dynamo.pause();
    try {
      const started = Date.now();
      const error = await sessionStore.get('s-absent').catch((caught: unknown) => caught);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(elapsed).toBeLessThan(300 + MARGIN_MS);
    } finally {
      dynamo.resume();
    }
    expect(await sessionStore.get('s-absent')).toBeUndefined();
  }, 10_000);

  it('the event-log poller keeps one call in flight and backs off while the store is frozen', async () => {
    const counted = dynamo.newClient();
    cleanups.push(() => counted.client.destroy());
    const { eventLog } = createDynamoStores({
      client: counted.client,
      tableName: await dynamo.newTable(),
      timeoutMs: 200,
    });
    const failures: Error[] = [];
    const feed = new EventFeed({
      log: eventLog,
      pollIntervalMs: 100,
      onerror: (error) => failures.push(error),
    });
    cleanups.push(() => feed.close());
    const received: BusEvent[] = [];
    feed.bus.subscribe({ deliver: (item) => received.push(item) });
    await until(() => counted.calls.length >= 2 && counted.inFlight() === 0, 5000, 'the poller running');

    dynamo.pause();
    const from = counted.starts.length;
    try {
      // Four polls that fail at the deadline: with a fixed interval they would start every ~300 ms.
      await until(() => counted.starts.length - from >= 4, 8000, 'four polls against the frozen store');
      expect(counted.maxInFlight()).toBe(1);
      const starts = counted.starts.slice(from, from + 4);
      const gaps = starts.slice(1).map((start, i) => start - (starts[i] as number));
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan((gaps[i - 1] as number) + 100);
      expect(failures.length).toBeGreaterThanOrEqual(3);
      expect(failures.every((error) => error instanceof StoreUnavailableError)).toBe(true);
    } finally {
      dynamo.resume();
    }
    // Back: a publish reaches the subscriber through the log.
    await feed.publish({ type: 'store.back', id: 'e-back' }, { kind: 'global' });
    await until(() => received.some((item) => item.event.id === 'e-back'), 8000, 'the event after resume');
  }, 15_000);

  it('STORE_TIMEOUT_MS must be a whole number from 100 to 60000 (a ConfigError naming it)', async () => {
    for (const bad of ['abc', '50', '1.5', '60001', '-1']) {
      const error = await storesFromEnv(
        { STORE: 'dynamodb', SESSION_TABLE_NAME: 't', STORE_TIMEOUT_MS: bad },
        () => {},
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        `STORE_TIMEOUT_MS must be a whole number from 100 to 60000; got "${bad}"`,
      );
    }
  });
});
