// DynamoDB tables for `aws_real_time_monitor`. Loaded only when a request asks for DynamoDB, so the
// client code costs nothing to instances that never list it.
import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { compact, keepTagged, type ListOptions, mapLimit, type Resource } from '../inventory.js';

/** A DynamoDB client with the SDK's own configuration chain (AWS_ENDPOINT_URL_DYNAMODB included). */
export function createClient(config: { region?: string }): DynamoDBClient {
  return new DynamoDBClient(config);
}

/**
 * DynamoDB: ListTables (every page), DescribeTable for each, ListTagsOfResource (every page) only when
 * filtering. A table deleted between the list and its describe is left out: it is gone.
 */
export async function listDynamoDbTables(
  client: DynamoDBClient,
  options: ListOptions = {},
): Promise<Resource[]> {
  const send = { abortSignal: options.abortSignal };
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(
      new ListTablesCommand({ ...(start && { ExclusiveStartTableName: start }), Limit: 100 }),
      send,
    );
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);

  const tables = await mapLimit(names, async (name): Promise<Resource | undefined> => {
    let table: TableDescription | undefined;
    try {
      table = (await client.send(new DescribeTableCommand({ TableName: name }), send)).Table;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
    const arn = table?.TableArn;
    let tags: Record<string, string> | undefined;
    if (options.filterTags && arn) {
      tags = {};
      let next: string | undefined;
      do {
        const page = await client.send(
          new ListTagsOfResourceCommand({ ResourceArn: arn, ...(next && { NextToken: next }) }),
          send,
        );
        for (const tag of page.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
        next = page.NextToken;
      } while (next);
    }
    return {
      id: arn ?? name,
      name,
      type: 'DynamoDB',
      state: table?.TableStatus ?? 'exists',
      details: compact({
        arn,
        itemCount: table?.ItemCount,
        sizeBytes: table?.TableSizeBytes,
        billingMode: table?.BillingModeSummary?.BillingMode,
        createdAt: table?.CreationDateTime?.toISOString(),
        streamEnabled: table?.StreamSpecification?.StreamEnabled,
        deletionProtection: table?.DeletionProtectionEnabled,
      }),
      ...(tags && { tags }),
    };
  });
  return keepTagged(tables, options.filterTags);
}

/** The lister the inventory dispatches to. */
export const list = listDynamoDbTables;
