// The STORE switch every entry point shares: memory by default, DynamoDB on request (creating the table only
// on a local endpoint, and saying so), an embedded dynalite whose data outlives the process, and a clear
// ConfigError naming the key for anything invalid. On AWS's endpoint the AWS SDK loads with the first store
// call, so a 2026-07-28 request never loads it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError, StoreUnavailableError, storesFromEnv } from 'lambda-mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalTable, isLocalEndpoint } from '../packages/lambda-mcp/src/dynamodb/ensure-table.js';
import { sharedLoad } from '../packages/lambda-mcp/src/setup/deferred-stores.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { sampleSession } from '../packages/lambda-mcp/test/store-contract.js';
import { lastJsonLine, runModule } from './support/run-module.js';

let dynamo: TestDynamo;
let dataDir: string;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  dataDir = await mkdtemp(join(tmpdir(), 'lambda-mcp-env-'));
});
afterAll(async () => {
  await dynamo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs storesFromEnv with exactly `env`, collecting what it logs. */
async function fromEnv(env: Record<string, string>) {
  const lines: string[] = [];
  const stores = await storesFromEnv(env, (line) => lines.push(line));
  return { stores, lines };
}

describe('storesFromEnv', () => {
  it('defaults to the in-memory stores (the handler defaults), loading no AWS SDK', async () => {
    const { stores, lines } = await fromEnv({});
    expect(stores.kind).toBe('memory');
    expect(stores.options).toEqual({});
    expect(lines).toEqual([]);
  });

  it.each([
    [{ STORE: 'redis' }, 'STORE must be one of memory, dynamodb, dynalite; got "redis"'],
    [{ STORE: 'dynamodb' }, 'STORE=dynamodb needs SESSION_TABLE_NAME, the DynamoDB table to use'],
    [
      { STORE: 'dynamodb', SESSION_TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'localhost:8000' },
      'DYNAMODB_ENDPOINT must be a URL such as http://127.0.0.1:8000; got "localhost:8000"',
    ],
    [
      { STORE: 'dynalite', DYNALITE_PORT: 'eighty' },
      'DYNALITE_PORT must be a port number (0 picks a free one); got "eighty"',
    ],
    [
      { STORE: 'dynamodb', SESSION_TABLE_NAME: 't', SESSION_IDLE_SECONDS: '30' },
      'SESSION_IDLE_SECONDS must be a whole number from 60 to 86400; got "30"',
    ],
  ])('refuses %o with a message naming the key', async (env, message) => {
    const failure = await storesFromEnv(env, () => {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe(message);
  });

  it('STORE=dynamodb on a local endpoint creates a missing table once, and says so', async () => {
    const env = {
      STORE: 'dynamodb',
      SESSION_TABLE_NAME: `env-${Date.now()}`,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    };
    const first = await fromEnv(env);
    expect(first.lines).toEqual([
      `lambda-mcp: created table ${env.SESSION_TABLE_NAME} on ${dynamo.endpoint} (it was missing)`,
    ]);
    expect(first.stores.description).toBe(`DynamoDB table ${env.SESSION_TABLE_NAME} (${dynamo.endpoint})`);
    await first.stores.options.sessionStore?.create(sampleSession('from-env'));
    await first.stores.close();

    const second = await fromEnv(env);
    expect(second.lines).toEqual([]);
    expect((await second.stores.options.sessionStore?.get('from-env'))?.id).toBe('from-env');
    await second.stores.close();
  });

  it('STORE=dynalite keeps its data in the folder across restarts', async () => {
    const env = { STORE: 'dynalite', DYNALITE_PATH: join(dataDir, 'db') };
    const first = await fromEnv(env);
    expect(first.stores.kind).toBe('dynalite');
    expect(first.lines[0]).toMatch(
      /^lambda-mcp: embedded dynalite at http:\/\/127\.0\.0\.1:\d+, data in .*db$/,
    );
    expect(first.lines[1]).toMatch(
      /^lambda-mcp: created table lambda-mcp-local on http:\/\/127\.0\.0\.1:\d+/,
    );
    await first.stores.options.sessionStore?.create(sampleSession('kept'));
    await first.stores.close();

    const second = await fromEnv(env);
    expect(second.lines).toHaveLength(1); // Started, table already there.
    expect((await second.stores.options.sessionStore?.get('kept'))?.id).toBe('kept');
    await second.stores.close();
  });

  it('inside Lambda, SESSION_TABLE_NAME alone selects DynamoDB and nothing is created', async () => {
    const { stores, lines } = await fromEnv({
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AWS_REGION: 'eu-west-1',
      SESSION_TABLE_NAME: 'prod-table',
    });
    expect(stores.kind).toBe('dynamodb');
    expect(stores.description).toBe('DynamoDB table prod-table');
    expect(lines).toEqual([]);
    await stores.close();
  });
});

describe('table creation is for local DynamoDB only', () => {
  it('tells local endpoints from AWS ones', () => {
    expect(isLocalEndpoint('http://127.0.0.1:8000')).toBe(true);
    expect(isLocalEndpoint('http://dynamodb-local:8000')).toBe(true);
    expect(isLocalEndpoint('https://dynamodb.eu-west-1.amazonaws.com')).toBe(false);
    expect(isLocalEndpoint('https://dynamodb.cn-north-1.amazonaws.com.cn')).toBe(false);
    expect(isLocalEndpoint(undefined)).toBe(false);
  });

  it('two servers starting together on a missing table: one creates it, the other uses it', async () => {
    const name = `race-${Date.now()}`;
    const results = await Promise.all([
      ensureLocalTable(dynamo.client, name, dynamo.endpoint),
      ensureLocalTable(dynamo.newClient().client, name, dynamo.endpoint),
    ]);
    expect(results.sort()).toEqual([false, true]);
  });

  it('refuses to create a table on AWS, before sending anything', async () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const failure = await ensureLocalTable(client, 't', 'https://dynamodb.eu-west-1.amazonaws.com').catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect(sent).toEqual([]);
    client.destroy();
  });
});

describe('on AWS endpoints the DynamoDB code loads with the first store call', () => {
  it('serves 2026-07-28 without the AWS SDK; the first 2025 initialize loads it and stores the session', async () => {
    const table = await dynamo.newTable();
    const index = join(process.cwd(), 'packages/lambda-mcp/src/index.ts');
    const result = lastJsonLine(
      await runModule(
        `
      import { registerHooks } from 'node:module';
      let sdk = 0;
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (r.url.includes('/@aws-sdk/')) sdk++; return r; } });
      const { createLambdaMcp, storesFromEnv } = await import(${JSON.stringify(index)});
      const { McpServer } = await import('@modelcontextprotocol/server');
      const stores = await storesFromEnv();
      const afterStart = sdk;
      const handler = createLambdaMcp((ctx) => new McpServer({ name: 'x', version: '1' }, { requestState: { verify: ctx.requestState.verify } }), { requestStateKey: 'ab'.repeat(32), ...stores.options });
      const post = (body, headers = {}) => handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) }));
      const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };
      const discover = await post({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: meta } }, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' });
      const afterModern = sdk;
      const init = await post({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
      console.log(JSON.stringify({ afterStart, discover: discover.status, afterModern, init: init.status, afterInit: sdk, session: init.headers.get('mcp-session-id'), description: stores.description }));
      await handler.close();
      await stores.close();
    `,
        {
          STORE: 'dynamodb',
          SESSION_TABLE_NAME: table,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
      ),
    );
    expect(result).toMatchObject({ afterStart: 0, discover: 200, afterModern: 0, init: 200 });
    expect(result.afterInit as number).toBeGreaterThan(0);
    expect(result.description).toBe(`DynamoDB table ${table}`);
    const stored = await dynamo.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `SESSION#${result.session}` }, sk: { S: 'META' } },
      }),
    );
    expect(stored.Item?.protocolVersion?.S).toBe('2025-11-25');
  });

  it('loads nothing of the AWS SDK at start-up for a DYNAMODB_ENDPOINT naming AWS either', async () => {
    const index = join(process.cwd(), 'packages/lambda-mcp/src/index.ts');
    const result = lastJsonLine(
      await runModule(
        `
      import { registerHooks } from 'node:module';
      let sdk = 0;
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (r.url.includes('/@aws-sdk/')) sdk++; return r; } });
      const { storesFromEnv } = await import(${JSON.stringify(index)});
      const stores = await storesFromEnv();
      console.log(JSON.stringify({ sdk, description: stores.description }));
      await stores.close();
    `,
        {
          STORE: 'dynamodb',
          SESSION_TABLE_NAME: 'mcp',
          DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com',
          AWS_REGION: 'eu-west-1',
        },
      ),
    );
    expect(result).toEqual({
      sdk: 0,
      description: 'DynamoDB table mcp (https://dynamodb.eu-west-1.amazonaws.com)',
    });
  });

  it('a failed load answers 503 and the next call loads again', async () => {
    let attempts = 0;
    const load = sharedLoad(async () => {
      attempts++;
      if (attempts === 1) throw new Error('import failed');
      return 'stores';
    });
    const failure = await load().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).cause).toEqual(new Error('import failed'));
    expect(await load()).toBe('stores');
    expect(await load()).toBe('stores');
    expect(attempts).toBe(2);
  });
});
