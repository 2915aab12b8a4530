// ResponseMailbox on the single table, for answers to server-to-client requests that reach another instance
// than the one waiting. An answer for a waiter in this process is handed over directly (no DynamoDB call);
// any other is stored (`SESSION#<id>` / `ANSWER#<request id>`, short TTL), and the waiter polls for it with
// strongly consistent reads at a growing interval, taking it with a conditional delete so it is used once.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JSONRPCResponse } from '@modelcontextprotocol/server';
import type { ResponseMailbox } from '../stores/types.js';
import { isConditionFailure, storeCall } from './client.js';
import { DynamoStore, type DynamoStoreOptions } from './store.js';
import { isExpired, keys, TABLE, ttlOf } from './table.js';

/** Options of {@link DynamoResponseMailbox}. */
export interface DynamoResponseMailboxOptions extends DynamoStoreOptions {
  /** How long a stored answer waits for its waiter, in ms. Default 10 minutes. */
  keepMs?: number;
  /** First and longest pause between polls, in ms. Default 100 and 1000. */
  pollMs?: { first: number; max: number };
}

/** Client answers carried between instances through DynamoDB; see the module comment. */
export class DynamoResponseMailbox extends DynamoStore implements ResponseMailbox {
  readonly #keepMs: number;
  readonly #poll: { first: number; max: number };
  readonly #local = new Map<string, (response: JSONRPCResponse) => void>();

  constructor(options: DynamoResponseMailboxOptions) {
    super(options);
    this.#keepMs = options.keepMs ?? 600_000;
    this.#poll = options.pollMs ?? { first: 100, max: 1000 };
  }

  async deliver(sessionId: string, response: JSONRPCResponse): Promise<void> {
    const key = localKey(sessionId, String(response.id));
    const waiter = this.#local.get(key);
    if (waiter) {
      waiter(structuredClone(response));
      return;
    }
    await storeCall('answer store', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.answer(sessionId, String(response.id)),
            message: JSON.stringify(response),
            [TABLE.ttlAttribute]: ttlOf(this.now() + this.#keepMs),
          },
        }),
      ),
    );
  }

  receive(sessionId: string, requestId: string, signal: AbortSignal): Promise<JSONRPCResponse> {
    const key = localKey(sessionId, requestId);
    return new Promise<JSONRPCResponse>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#local.delete(key);
        signal.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = () => finish(() => reject(signal.reason));
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#local.set(key, (response) => finish(() => resolve(response)));

      let pause = this.#poll.first;
      const poll = async () => {
        try {
          const found = await this.#take(sessionId, requestId);
          if (found) return finish(() => resolve(found));
        } catch {
          // A failed poll is retried at the next interval; the waiter's own timeout bounds the wait.
        }
        if (done) return;
        timer = setTimeout(poll, pause);
        timer.unref();
        pause = Math.min(this.#poll.max, Math.round(pause * 1.5));
      };
      void poll();
    });
  }

  /** Reads and removes a stored answer; `undefined` while there is none. */
  async #take(sessionId: string, requestId: string): Promise<JSONRPCResponse | undefined> {
    const Key = keys.answer(sessionId, requestId);
    const { Item } = await storeCall('answer read', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true })),
    );
    if (!Item || isExpired(Item, this.now())) return undefined;
    try {
      await storeCall('answer take', () =>
        this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key,
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined; // Another waiter took it first.
      throw error;
    }
    return JSON.parse(Item.message as string) as JSONRPCResponse;
  }
}

function localKey(sessionId: string, requestId: string): string {
  return `${sessionId}\0${requestId}`;
}
