// The STORE switch every entry point shares: memory by default, DynamoDB on request (creating the table only
// on a local endpoint, and saying so), an embedded dynalite whose data outlives the process, and a clear
// ConfigError naming the key for anything invalid.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError, storesFromEnv } from 'lambda-mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalTable, isLocalEndpoint } from '../packages/lambda-mcp/src/dynamodb/ensure-table.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { sampleSession } from '../packages/lambda-mcp/test/store-contract.js';

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
