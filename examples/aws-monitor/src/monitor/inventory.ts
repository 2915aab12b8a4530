// What `aws_real_time_monitor` sees of one resource type in one region: every DynamoDB table, Lambda
// function, EC2 instance or SQS queue, read through all pages of the AWS APIs, optionally narrowed to the
// resources carrying given tags. Each service's client and lister live in services/ and are imported only
// when a request asks for that type, so a cold start loads none of the four AWS SDK clients.
import type * as DynamoDb from './services/dynamodb.js';
import type * as Ec2 from './services/ec2.js';
import type * as Lambda from './services/lambda.js';
import type * as Sqs from './services/sqs.js';

/** The resource types the monitor lists. */
export const RESOURCE_TYPES = ['DynamoDB', 'Lambda', 'EC2', 'SQS'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** A scalar the diff can compare; absent values are left out rather than stored as `undefined`. */
export type DetailValue = string | number | boolean | null;

/** One resource as the monitor reports it. */
export interface Resource {
  /** Stable identity across polls: table or function ARN, instance id, queue URL. */
  id: string;
  /** Human name: table, function or queue name; an instance's `Name` tag, else its id. */
  name: string;
  type: ResourceType;
  /**
   * The service's own status: TableStatus, the instance state, the function `State` when ListFunctions
   * returns one; `exists` when the service reports no status (SQS queues, most listed functions).
   */
  state: string;
  /** Type-specific facts (size, runtime, instance type, message counts, ...). */
  details: Record<string, DetailValue>;
  /** The resource's tags; present for EC2 always, for the other types only when a tag filter was given. */
  tags?: Record<string, string>;
}

/** Options shared by every lister. */
export interface ListOptions {
  /** Keep only resources carrying every one of these tags with exactly these values. */
  filterTags?: Record<string, string>;
  /** Aborts the AWS requests in flight (the MCP request was cancelled, or the time is up). */
  abortSignal?: AbortSignal;
}

/** The services, loaded on first use. */
const SERVICES = {
  DynamoDB: () => import('./services/dynamodb.js'),
  Lambda: () => import('./services/lambda.js'),
  EC2: () => import('./services/ec2.js'),
  SQS: () => import('./services/sqs.js'),
} as const;

/** The SDK client of each service. */
export interface ServiceClients {
  DynamoDB: ReturnType<typeof DynamoDb.createClient>;
  Lambda: ReturnType<typeof Lambda.createClient>;
  EC2: ReturnType<typeof Ec2.createClient>;
  SQS: ReturnType<typeof Sqs.createClient>;
}

/** One service's module: how to make its client and list its resources. */
export interface ServiceModule<S extends ResourceType> {
  createClient(config: { region?: string }): ServiceClients[S];
  list(client: ServiceClients[S], options?: ListOptions): Promise<Resource[]>;
}

/** Loads the module of `type` (once; later calls reuse Node's module cache). */
export function loadService<S extends ResourceType>(type: S): Promise<ServiceModule<S>> {
  return SERVICES[type]() as unknown as Promise<ServiceModule<S>>;
}

/** Lists every resource of `type` with `client`, sorted by name then id so inventories compare stably. */
export async function listResources<S extends ResourceType>(
  type: S,
  client: ServiceClients[S],
  options: ListOptions = {},
): Promise<Resource[]> {
  const resources = await (await loadService(type)).list(client, options);
  return resources.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** How many per-resource describe/tag requests run at once. */
const CONCURRENCY = 8;

/** Drops the resources (and holes) that do not carry every filter tag with its exact value. */
export function keepTagged(
  resources: (Resource | undefined)[],
  filterTags: Record<string, string> | undefined,
): Resource[] {
  const wanted = Object.entries(filterTags ?? {});
  return resources.filter(
    (resource): resource is Resource =>
      resource !== undefined && wanted.every(([key, value]) => resource.tags?.[key] === value),
  );
}

/** The record without its undefined entries. */
export function compact(values: Record<string, DetailValue | undefined>): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out;
}

export function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function epochSecondsToIso(value: string | undefined): string | undefined {
  const seconds = numberOrUndefined(value);
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

/** `Promise.all(items.map(fn))` with at most {@link CONCURRENCY} calls at once; stops at a failure. */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true; // the other workers take no new item once one has failed
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
