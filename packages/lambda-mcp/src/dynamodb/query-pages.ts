// One DynamoDB Query followed page by page (`LastEvaluatedKey`), for every read that may span pages. The
// caller takes pages with `for await` and stops by leaving the loop: no page after the one it stopped at is
// requested, so a helper call costs exactly the Queries a hand-written loop would.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { storeCall } from './client.js';
import type { Item } from './store.js';
import { TABLE } from './table.js';

/** A Query to page through; the helper sets `ExclusiveStartKey`. */
export type QueryInput = Omit<QueryCommandInput, 'ExclusiveStartKey'>;

/** One page of a Query: its items, and whether DynamoDB has more past them. */
export interface QueryPage {
  items: Item[];
  more: boolean;
}

/**
 * Runs the Query `input` one page at a time, each call through storeCall (named `what`). A function
 * `input` is called before each page, so a `Limit` can shrink to what the caller still needs.
 */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  what: string,
  input: QueryInput | (() => QueryInput),
): AsyncGenerator<QueryPage, void, undefined> {
  let start: Item | undefined;
  do {
    const query = typeof input === 'function' ? input() : input;
    const page = await storeCall(what, () =>
      db.send(new QueryCommand({ ...query, ExclusiveStartKey: start })),
    );
    start = page.LastEvaluatedKey;
    yield { items: page.Items ?? [], more: start !== undefined };
  } while (start);
}

/** A strongly consistent Query of the items of partition `pk` whose sort key is from `from` to `to`. */
export function sortKeyRange(tableName: string, pk: string, from: string, to: string): QueryInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
    ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
    ConsistentRead: true,
  };
}
