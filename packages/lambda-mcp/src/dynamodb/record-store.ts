// The shared half of the two stores of versioned records on the table (sessions, tasks): one item per
// record with `expiresAt`, `version` and a `ttl`. Create is a conditional put, reads are strongly consistent,
// delete answers whether a live record went, and an item past its expiry counts as absent everywhere.
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { StoreConflictError } from '../errors.js';
import type { VersionedRecord } from '../stores/versioned-map.js';
import {
  getItem,
  putIfAbsent,
  storeCall,
  type VersionedUpdateOptions,
  type VersionedUpdateResult,
  versionedUpdate,
} from './client.js';
import { DynamoStore, type DynamoStoreOptions, type Item } from './store.js';
import { isExpired } from './table.js';

/** How one kind of record sits on the table. */
export interface RecordKind<R> {
  /** Its name in messages (`Session s-1 exists already`); in lower case it names the calls (`session read`). */
  noun: string;
  /** The item key of a record id. */
  key: (id: string) => Item;
  /** The record an item holds. */
  fromItem: (item: Item) => R;
}

/** Get, delete and the write steps of a versioned record store; see the module comment. */
export abstract class DynamoRecordStore<R extends VersionedRecord> extends DynamoStore {
  readonly #kind: RecordKind<R>;
  readonly #calls: string;

  constructor(options: DynamoStoreOptions, kind: RecordKind<R>) {
    super(options);
    this.#kind = kind;
    this.#calls = kind.noun.toLowerCase();
  }

  async get(id: string): Promise<R | undefined> {
    const key = this.#kind.key(id);
    return this.live(await getItem(this.db, { tableName: this.tableName, key, what: `${this.#calls} read` }));
  }

  async delete(id: string): Promise<boolean> {
    const { Attributes } = await storeCall(`${this.#calls} delete`, () =>
      this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: this.#kind.key(id), ReturnValues: 'ALL_OLD' }),
      ),
    );
    return this.live(Attributes) !== undefined;
  }

  /** Puts a new record's item; throws StoreConflictError while a live record has its id. */
  protected async insert(id: string, item: Item): Promise<void> {
    await putIfAbsent(this.db, {
      tableName: this.tableName,
      item,
      now: this.now(),
      what: `${this.#calls} create`,
      conflict: `${this.#kind.noun} ${id} exists already`,
    });
  }

  /** {@link versionedUpdate} of the record's item: one call, written only while live and at the version. */
  protected write(
    id: string,
    update: Omit<VersionedUpdateOptions, 'tableName' | 'key' | 'what'>,
  ): Promise<VersionedUpdateResult> {
    return versionedUpdate(this.db, {
      ...update,
      tableName: this.tableName,
      key: this.#kind.key(id),
      what: `${this.#calls} update`,
    });
  }

  /**
   * The live record after a write was refused: the item DynamoDB returned with the failure, or one read
   * when there is none (emulators such as dynalite return none; so does a write never attempted).
   */
  protected async current(id: string, stored: Item | undefined): Promise<R | undefined> {
    return stored ? this.live(stored) : await this.get(id);
  }

  /** The conflict a writer at `expectedVersion` met on record `id`, `current` being what is stored. */
  protected staleVersion(
    id: string,
    current: R,
    expectedVersion: number,
    options?: ErrorOptions,
  ): StoreConflictError {
    return new StoreConflictError(
      `${this.#kind.noun} ${id} is at version ${current.version}, not ${expectedVersion}`,
      current,
      options,
    );
  }

  /** The record an item holds, or `undefined` when there is none or it is past its `ttl` or `expiresAt`. */
  protected live(item: Item | undefined): R | undefined {
    if (!item || isExpired(item, this.now())) return undefined;
    const record = this.#kind.fromItem(item);
    return record.expiresAt > this.now() ? record : undefined;
  }
}
