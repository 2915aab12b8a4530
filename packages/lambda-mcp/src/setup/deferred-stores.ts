// DynamoDB stores whose code loads with their first call, not at start-up. `storesFromEnv` hands these to
// the handler so that an instance only imports the AWS SDK and the store modules (about 250 KiB, some 30 ms
// of compiling at a cold start) when a request needs the table: a plain 2026-07-28 request never does (a
// `subscriptions/listen` reads the global log, a task uses the task store), so a cold start that serves one
// costs what it costs on the memory store. Every store method awaits the one shared
// load, then calls the real store; what the handler reads synchronously (the global log's `shared`,
// `settleMs` and `isCursor`) comes from the table definition, which imports no AWS SDK code.
import type { DynamoStores } from '../dynamodb/index.js';
import { DEFAULT_GLOBAL_SETTLE_MS, GLOBAL_CURSOR } from '../dynamodb/table.js';
import { StoreUnavailableError } from '../errors.js';

/** The methods of `T` (its function-valued keys). */
type MethodsOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/**
 * One async load shared by every caller. A failed load is forgotten, so the next call tries again, and
 * rejects with a StoreUnavailableError (503 + Retry-After, as any store failure) with the cause.
 *
 * @example
 * const load = sharedLoad(async () => createDynamoStores({ tableName: 'mcp' }));
 * await load(); // the same stores every time
 */
export function sharedLoad<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new StoreUnavailableError('the DynamoDB stores did not load', { cause: error });
    });
    return loading;
  };
}

/** An object with `methods` that load the target, then call the same method on it; `fields` as they are. */
function deferred<T extends object, M extends MethodsOf<T>>(
  target: () => Promise<T>,
  methods: readonly M[],
  fields: Omit<T, M>,
): T {
  const proxy: Record<PropertyKey, unknown> = { ...fields };
  for (const name of methods) {
    proxy[name] = async (...args: unknown[]) => {
      const store = await target();
      return (store[name] as (...values: unknown[]) => unknown).apply(store, args);
    };
  }
  return proxy as T;
}

/**
 * The five DynamoDB stores, each loading `load()`'s stores on its first call. The global log's synchronous
 * members are those of `DynamoGlobalEventLog` at its defaults (as `createDynamoStores` builds it).
 *
 * @example
 * const stores = deferredDynamoStores(sharedLoad(async () => {
 *   const { createDynamoStores } = await import('lambda-mcp/dynamodb');
 *   return createDynamoStores({ tableName: 'mcp' });
 * }));
 */
export function deferredDynamoStores(load: () => Promise<DynamoStores>): DynamoStores {
  const part =
    <K extends keyof DynamoStores>(key: K) =>
    async () =>
      (await load())[key];
  const crud = ['create', 'get', 'update', 'delete'] as const;
  return {
    sessionStore: deferred(part('sessionStore'), [...crud, 'list'], {}),
    eventStore: deferred(part('eventStore'), ['append', 'read', 'deleteSession'], {}),
    mailbox: deferred(part('mailbox'), ['deliver', 'receive'], {}),
    eventLog: deferred(part('eventLog'), ['append', 'read', 'head'], {
      shared: true,
      settleMs: DEFAULT_GLOBAL_SETTLE_MS,
      isCursor: (value: string) => GLOBAL_CURSOR.test(value),
    }),
    taskStore: deferred(part('taskStore'), crud, {}),
  };
}
