// DynamoDB calls and cost per request kind: the request kinds test/dynamo-budget.test.ts budgets, sent to a
// lambda-mcp handler on DynamoDB stores (test/fixtures/test-server.ts, `sse: 'poll'` as the buffered Lambda
// handler runs, a clock the bench moves) against a dynalite this process starts. Middleware on the real
// client records every command and asks for `ReturnConsumedCapacity: TOTAL`, so dynalite reports the
// request units by item size as DynamoDB does (reads: 4 KB a unit, half for eventually consistent; writes:
// 1 KB a unit, the larger of the old and new item). Priced with the on-demand rates in PRICES.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { createLambdaMcp, type LambdaMcpHandler } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { startDynalite } from '../../packages/lambda-mcp/src/dynamodb/dynalite.js';
import { ensureLocalTable } from '../../packages/lambda-mcp/src/dynamodb/ensure-table.js';
import { createTestServer } from '../../test/fixtures/test-server.js';
import { BENCH_KEY } from '../subjects/key.js';
import { measureTaskLifecycle } from './task-cost.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * DynamoDB on-demand request prices in USD per million request units: us-east-1 (N. Virginia), standard
 * table class, the rates in force since AWS halved on-demand throughput prices on 2024-11-01 (before:
 * $1.25 / $0.25). Override with BENCH_PRICE_WRU / BENCH_PRICE_RRU for another region or a newer list.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: 'on-demand rates since 2024-11-01 (aws.amazon.com/dynamodb/pricing/on-demand/)',
  writePerMillion: 0.625,
  readPerMillion: 0.125,
};

/** One DynamoDB command a request sent. */
export interface DynamoCall {
  command: string;
  /**
   * Request units DynamoDB would bill: dynalite's ConsumedCapacity, at least one read's minimum (1 strongly
   * consistent, 0.5 eventually) for a read, 1 WRU for a refused conditional write.
   */
  units: number;
  kind: 'read' | 'write';
  consistent: boolean;
  failed?: string;
}

/** One request kind's calls and price. */
export interface CostRow {
  kind: string;
  commands: string[];
  readUnits: number;
  writeUnits: number;
  /** USD per million requests of this kind. */
  usdPerMillion: number;
  calls: DynamoCall[];
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

/** Commands sent and not answered yet, of every counting client. */
let inFlight = 0;

/** Resolves once no counted command is in flight (work a request left running, such as a task's writes). */
async function settled(): Promise<void> {
  for (let waited = 0; inFlight > 0; waited += 5) {
    if (waited > 10_000) throw new Error(`${inFlight} DynamoDB calls still unanswered after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A client for `endpoint` whose every command lands in `calls`, with its request units. */
function countingClient(endpoint: string, calls: DynamoCall[]): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      if (CAPACITY.has(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const kind = READS.has(command) ? 'read' : 'write';
      const call: DynamoCall = { command, units: 0, kind, consistent: input.ConsistentRead === true };
      calls.push(call);
      inFlight++;
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
        }[];
        call.units = list.reduce((sum, item) => sum + (item.CapacityUnits ?? 0), 0);
        // A read that finds nothing still bills its minimum (dynalite reports 0 for an empty Query).
        if (kind === 'read') call.units = Math.max(call.units, call.consistent ? 1 : 0.5);
        return result;
      } catch (error) {
        // DynamoDB bills a refused conditional write (at least 1 WRU); dynalite reports no capacity for it.
        call.failed = (error as { name?: string }).name ?? 'Error';
        if (kind === 'write') call.units = 1;
        throw error;
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize', name: 'benchCountCommands' },
  );
  return client;
}

const URL_ = 'http://127.0.0.1/mcp';
const LEGACY = '2025-11-25';
const MODERN = '2026-07-28';

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const call = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** Throws unless `response` has `status`; reads the body (a stream ends there). */
async function expectStatus(response: Response, status: number, what: string): Promise<string> {
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status}, not ${status}: ${text.slice(0, 300)}`);
  return text;
}

/** The last SSE `id:` of a body. */
function lastEventId(text: string): string {
  const ids = [...text.matchAll(/^id: ?(.+)$/gm)].map((match) => match[1] as string);
  const id = ids.at(-1);
  if (!id) throw new Error(`no SSE id in ${JSON.stringify(text.slice(0, 300))}`);
  return id;
}

/** Runs every request kind once (after a warm-up session for the instance's one-off calls) and prices it. */
export async function measureDynamoCost(): Promise<{ prices: typeof PRICES; rows: CostRow[] }> {
  const prices = {
    ...PRICES,
    writePerMillion: Number(process.env.BENCH_PRICE_WRU) || PRICES.writePerMillion,
    readPerMillion: Number(process.env.BENCH_PRICE_RRU) || PRICES.readPerMillion,
  };
  const dynalite = await startDynalite();
  const calls: DynamoCall[] = [];
  const client = countingClient(dynalite.endpoint, calls);
  let handler: LambdaMcpHandler | undefined;
  try {
    const tableName = `lambda-mcp-bench-cost-${process.pid}`;
    await ensureLocalTable(client, tableName, dynalite.endpoint);
    // 20 s into a minute, so a resumed read spans one event-log bucket (as the budget test arranges).
    const clock = { now: 1_800_000_020_000 };
    handler = createLambdaMcp(createTestServer, {
      ...createDynamoStores({ client, tableName, now: () => clock.now }),
      requestStateKey: BENCH_KEY,
      sse: 'poll',
      now: () => clock.now,
    });
    const h = handler;
    const rows: CostRow[] = [];
    const measure = async (kind: string, step: () => Promise<unknown>) => {
      calls.length = 0;
      await step();
      await settled();
      const taken = [...calls];
      const readUnits = taken.filter((c) => c.kind === 'read').reduce((sum, c) => sum + c.units, 0);
      const writeUnits = taken.filter((c) => c.kind === 'write').reduce((sum, c) => sum + c.units, 0);
      rows.push({
        kind,
        commands: taken.map((c) => c.command.replace(/Command$/, '') + (c.failed ? ' (refused)' : '')),
        readUnits,
        writeUnits,
        usdPerMillion: readUnits * prices.readPerMillion + writeUnits * prices.writePerMillion,
        calls: taken,
      });
    };
    const openSession = async () => {
      const response = await h.fetch(
        post({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: LEGACY,
            capabilities: {},
            clientInfo: { name: 'bench-cost', version: '1' },
          },
        }),
      );
      await expectStatus(response, 200, 'initialize');
      const sessionId = response.headers.get('mcp-session-id');
      if (!sessionId) throw new Error('initialize answered without mcp-session-id');
      return sessionId;
    };
    const session = (id: string) => ({ 'mcp-session-id': id, 'mcp-protocol-version': LEGACY });
    const get = (id: string, extra: Record<string, string> = {}) =>
      h.fetch(new Request(URL_, { headers: { ...session(id), accept: 'text/event-stream', ...extra } }));

    // Warm-up: the instance's one-off calls (the event log's head query) are not any request's.
    const warm = await openSession();
    await expectStatus(
      await h.fetch(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session(warm))),
      202,
      'initialized',
    );
    await expectStatus(await h.fetch(post(call(2, 'chatty', { count: 1 }), session(warm))), 200, 'chatty');
    await expectStatus(await get(warm), 200, 'GET');

    await measure('2026-07-28 tools/call', async () => {
      const response = await h.fetch(
        post(
          {
            ...call(1, 'echo', { text: 'hi' }),
            params: {
              name: 'echo',
              arguments: { text: 'hi' },
              _meta: {
                'io.modelcontextprotocol/protocolVersion': MODERN,
                'io.modelcontextprotocol/clientInfo': { name: 'bench-cost', version: '1' },
                'io.modelcontextprotocol/clientCapabilities': {},
              },
            },
          },
          { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
        ),
      );
      await expectStatus(response, 200, 'modern tools/call');
    });
    let id = '';
    await measure('2025 initialize', async () => {
      id = await openSession();
    });
    await measure('2025 notifications/initialized', async () => {
      await expectStatus(
        await h.fetch(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session(id))),
        202,
        'initialized',
      );
    });
    await measure('2025 tools/call (no state change)', async () => {
      await expectStatus(await h.fetch(post(call(2, 'echo', { text: 'x' }), session(id))), 200, 'tools/call');
    });
    await measure('2025 GET stream (poll snapshot)', async () => {
      await expectStatus(await get(id), 200, 'GET');
    });
    await measure('2025 logging/setLevel (state change)', async () => {
      const body = { jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level: 'debug' } };
      await expectStatus(await h.fetch(post(body, session(id))), 200, 'setLevel');
    });
    await measure('2025 tools/call streaming 3 notifications', async () => {
      await expectStatus(await h.fetch(post(call(4, 'chatty', { count: 3 }), session(id))), 200, 'chatty');
    });
    clock.now += 61_000;
    await measure('2025 tools/call, first after 60 s idle (activity refresh)', async () => {
      await expectStatus(await h.fetch(post(call(5, 'echo', { text: 'y' }), session(id))), 200, 'tools/call');
    });
    const cursor = lastEventId(await expectStatus(await get(id), 200, 'GET'));
    await measure('publishGlobalEvent (one event)', async () => {
      await h.publishGlobalEvent({ type: 'bench.cost' });
    });
    const sns = JSON.parse(readFileSync(join(ROOT, 'events/sns-notification.json'), 'utf8')) as SNSEvent;
    await measure('SNS delivery (one message)', async () => {
      await h.ingestSns(sns);
    });
    await measure('SNS redelivery (duplicate message)', async () => {
      await h.ingestSns(sns);
    });
    clock.now += 1000; // past the log's settle window
    await measure('2025 GET stream resumed (Last-Event-ID)', async () => {
      await expectStatus(await get(id, { 'last-event-id': cursor }), 200, 'resumed GET');
    });
    await measure('2025 DELETE session', async () => {
      const response = await h.fetch(new Request(URL_, { method: 'DELETE', headers: session(id) }));
      if (response.status !== 200 && response.status !== 204) {
        throw new Error(`DELETE: HTTP ${response.status}: ${await response.text()}`);
      }
      await response.text();
    });
    // Waits for the counting client's next command (a running task's heartbeat).
    const nextCall = async () => {
      for (let waited = 0; calls.length === 0; waited += 10) {
        if (waited > 10_000) throw new Error('no DynamoDB call within 10 s (a task heartbeat was due)');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await measureTaskLifecycle(client, tableName, measure, nextCall);
    await settled();
    return { prices, rows };
  } finally {
    await handler?.close();
    client.destroy();
    await dynalite.close();
  }
}
