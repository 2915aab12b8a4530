// The DynamoDB TaskStore runs the shared contract against a real dynalite server, plus what only it has:
// the item layout on the single table, chunked large results, and the refusal of payloads too large.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useTestDynamo } from '../../test/dynamo-harness.js';
import { runTaskStoreContract, sampleTask } from '../../test/task-store-contract.js';
import { StoreConflictError, StoreItemTooLargeError, TaskStateError } from '../errors.js';
import { documentClient } from './client.js';
import { keys, TABLE, ttlOf } from './table.js';
import { DynamoTaskStore } from './tasks.js';

const dynamo = useTestDynamo();

runTaskStoreContract(
  'dynamodb',
  async (now) => new DynamoTaskStore({ client: dynamo.client, tableName: await dynamo.newTable(), now }),
);

describe('DynamoTaskStore', () => {
  it('keeps one item per task at TASK#<id>/META with a ttl and the result as JSON text', async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoTaskStore({ client: dynamo.client, tableName });
    const record = { ...sampleTask('t-1'), status: 'completed' as const, result: { content: [{ n: 1 }] } };
    await store.create(record);
    const { Item } = await documentClient(dynamo.client).send(
      new GetCommand({ TableName: tableName, Key: keys.task('t-1'), ConsistentRead: true }),
    );
    expect(Item).toMatchObject({
      [TABLE.partitionKey]: 'TASK#t-1',
      [TABLE.sortKey]: 'META',
      [TABLE.ttlAttribute]: ttlOf(record.expiresAt),
      result: '{"content":[{"n":1}]}',
    });
  });

  it('keeps a result too large for one item in chunk items, and reads it back whole', async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoTaskStore({ client: dynamo.client, tableName });
    const result = { content: [{ type: 'text', text: 'é'.repeat(500_000) }] };
    await store.create(sampleTask('t-1'));
    const written = await store.update('t-1', 1, { status: 'completed', result });
    expect(written?.result).toEqual(result);
    expect((await store.get('t-1'))?.result).toEqual(result);
    const { Item } = await documentClient(dynamo.client).send(
      new GetCommand({ TableName: tableName, Key: keys.task('t-1'), ConsistentRead: true }),
    );
    expect(Item).not.toHaveProperty('result');
    expect(JSON.parse(Item?.resultChunks as string)).toMatchObject({ parts: 4 });
    // On create too.
    await store.create({ ...sampleTask('t-2'), status: 'completed', result });
    expect((await store.get('t-2'))?.result).toEqual(result);
  });

  it('refuses a result over 8 MiB, or other payload over 350 KB, with StoreItemTooLargeError, storing nothing', async () => {
    const store = new DynamoTaskStore({ client: dynamo.client, tableName: await dynamo.newTable() });
    const result = { content: [{ type: 'text', text: 'x'.repeat(8 * 1024 * 1024) }] };
    const size = Buffer.byteLength(JSON.stringify(result));

    await store.create(sampleTask('t-1'));
    const refused = store.update('t-1', 1, { status: 'completed', result });
    await expect(refused).rejects.toBeInstanceOf(StoreItemTooLargeError);
    await expect(refused).rejects.toThrow(`${size} bytes`);
    expect(await store.get('t-1')).toMatchObject({ status: 'working', version: 1 });
    expect((await store.get('t-1'))?.result).toBeUndefined();

    const inputs = { big: { method: 'elicitation/create', params: { message: 'x'.repeat(360_000) } } };
    const tooMuch = store.update('t-1', 1, { status: 'input_required', inputRequests: inputs });
    await expect(tooMuch).rejects.toThrow('limit of 350000 bytes');
    await expect(store.create({ ...sampleTask('t-2'), status: 'completed', result })).rejects.toBeInstanceOf(
      StoreItemTooLargeError,
    );
    expect(await store.get('t-2')).toBeUndefined();
  });

  it('keeps the condition failure as the cause of a refused create, a stale update and a lifecycle break', async () => {
    const store = new DynamoTaskStore({ client: dynamo.client, tableName: await dynamo.newTable() });
    await store.create(sampleTask('t-1'));
    const conditionFailure = { cause: expect.objectContaining({ name: 'ConditionalCheckFailedException' }) };

    const exists = await store.create(sampleTask('t-1')).catch((error: unknown) => error);
    expect(exists).toBeInstanceOf(StoreConflictError);
    expect(exists).toMatchObject(conditionFailure);

    await store.update('t-1', 1, { status: 'completed', result: {} });
    const stale = await store.update('t-1', 1, { statusMessage: 'late' }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(StoreConflictError);
    expect(stale).toMatchObject(conditionFailure);

    const terminal = await store.update('t-1', 2, { statusMessage: 'late' }).catch((error: unknown) => error);
    expect(terminal).toBeInstanceOf(TaskStateError);
    expect(terminal).toMatchObject(conditionFailure);
    // The causes carry no stored item (DynamoDB sends the whole task with the failure): logs stay clean.
    for (const error of [exists, stale, terminal]) {
      expect(Object.keys((error as Error).cause as object)).not.toContain('Item');
      expect(JSON.stringify({ ...(error as object) })).not.toContain('t-1');
    }
  });

  it('stores a result just under the limit', async () => {
    const store = new DynamoTaskStore({ client: dynamo.client, tableName: await dynamo.newTable() });
    const result = { content: [{ type: 'text', text: 'y'.repeat(340_000) }] };
    await store.create(sampleTask('t-1'));
    await store.update('t-1', 1, { status: 'completed', result });
    expect((await store.get('t-1'))?.result).toEqual(result);
  });
});
