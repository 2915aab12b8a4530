// The DynamoDB stores run the same contract suites as the in-memory ones, against a real dynalite server.
import { afterAll, beforeAll } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../../test/dynamo-harness.js';
import {
  runEventStoreContract,
  runResponseMailboxContract,
  runSessionStoreContract,
} from '../../test/store-contract.js';
import type { EventStore } from '../stores/types.js';
import { DynamoEventStore } from './events.js';
import { DynamoResponseMailbox } from './mailbox.js';
import { DynamoSessionStore } from './sessions.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const tableOf = new WeakMap<EventStore, string>();

runSessionStoreContract(
  'dynamodb',
  async (now) => new DynamoSessionStore({ client: dynamo.client, tableName: await dynamo.newTable(), now }),
);
runEventStoreContract(
  'dynamodb',
  async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoEventStore({ client: dynamo.client, tableName });
    tableOf.set(store, tableName);
    return store;
  },
  // Another instance: its own client and in-process state, the same table.
  async (store) =>
    new DynamoEventStore({ client: dynamo.newClient().client, tableName: tableOf.get(store) as string }),
);
runResponseMailboxContract(
  'dynamodb',
  async () => new DynamoResponseMailbox({ client: dynamo.client, tableName: await dynamo.newTable() }),
);
