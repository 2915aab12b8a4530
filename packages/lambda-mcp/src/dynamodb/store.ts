// The base every DynamoDB store extends: the document client, table name and clock it is built from (the
// options all five stores share). Like a persistence layer's base it holds what is common, not the calls:
// each store keeps its own item layout and I/O, through storeCall and the helpers in client.ts.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynamoClientInput, documentClient } from './client.js';

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** What every DynamoDB store is built from. */
export interface DynamoStoreOptions {
  /** A plain DynamoDB client (wrapped in a document client here) or a document client. */
  client: DynamoClientInput;
  /** The single table (see table.ts). */
  tableName: string;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The client, table and clock of one store; see the module comment. */
export abstract class DynamoStore {
  protected readonly db: DynamoDBDocumentClient;
  protected readonly tableName: string;
  protected readonly now: () => number;

  constructor(options: DynamoStoreOptions) {
    this.db = documentClient(options.client);
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }
}
