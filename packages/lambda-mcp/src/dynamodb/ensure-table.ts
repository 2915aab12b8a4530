// Creates the table (from the one definition in table.ts) on a local DynamoDB when it is missing, with TTL
// on. Only for endpoints that are not AWS: against AWS, tables come from the infrastructure code, never
// from a running server.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../errors.js';
import { storeCall } from './client.js';
import { isLocalEndpoint } from './endpoint.js';
import { createTableInput, TABLE } from './table.js';

export { isLocalEndpoint };

/**
 * Makes sure `tableName` exists on the local DynamoDB at `endpoint`; resolves `true` when it created it.
 * Throws a ConfigError for an AWS endpoint.
 */
export async function ensureLocalTable(
  client: DynamoDBClient,
  tableName: string,
  endpoint: string | undefined,
): Promise<boolean> {
  if (!isLocalEndpoint(endpoint)) {
    throw new ConfigError(
      `lambda-mcp creates tables only on a local DynamoDB (DYNAMODB_ENDPOINT); create ${tableName} with the infrastructure code`,
    );
  }
  try {
    await storeCall('table check', () => client.send(new DescribeTableCommand({ TableName: tableName })));
    return false;
  } catch (error) {
    if (!(error instanceof Error && error.cause instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await storeCall('table create', () => client.send(new CreateTableCommand(createTableInput(tableName))));
  } catch (error) {
    if (!(error instanceof Error && error.cause instanceof ResourceInUseException)) throw error;
    // Another process (a second local instance starting at the same time) created it first: use theirs.
    await waitUntilActive(client, tableName);
    return false;
  }
  await waitUntilActive(client, tableName);
  await storeCall('table TTL', () =>
    client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        }),
      )
      // Some emulators (dynalite) do not implement TTL settings; lambda-mcp filters expired items anyway.
      .catch((error: unknown) => {
        if (
          !(
            error instanceof Error && /UnknownOperation|not supported/i.test(`${error.name} ${error.message}`)
          )
        )
          throw error;
      }),
  );
  return true;
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await storeCall('table check', () =>
      client.send(new DescribeTableCommand({ TableName: tableName })),
    );
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
