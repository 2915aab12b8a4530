// The AWS SDK v3 clients of the monitor: one per (service, region) per instance, created on first use and
// reused by every later request, at most `maxClients` of them (a small LRU: `region` comes from the client,
// so the least recently used client is destroyed to make room rather than one kept per string ever seen). They take the standard AWS SDK configuration (credentials chain, region,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, shared config files) from the process environment.
// Each service's SDK module is imported with its first client (see inventory.ts), not at start-up.
import { loadService, type ResourceType, type ServiceClients } from './inventory.js';

/** The client type of `service`. */
export type ClientOf<S extends ResourceType> = ServiceClients[S];

/** Wraps a client as it is created (e.g. a tracer's `captureAWSv3Client`); must return the client. */
export type ClientInstrumentation = <T>(client: T) => T;

let instrumentation: ClientInstrumentation | undefined;

/** Clients one instance keeps (services × regions in use); one more destroys the least recently used. */
export const DEFAULT_MAX_AWS_CLIENTS = 16;

/**
 * Sets the hook every client created from now on passes through (clients already created are kept as they
 * are, so set it at start-up); `undefined` removes it.
 *
 * @example
 * setClientInstrumentation((client) => tracer.captureAWSv3Client(client));
 */
export function setClientInstrumentation(fn: ClientInstrumentation | undefined): void {
  instrumentation = fn;
}

/**
 * The clients of one instance, keyed by service and region. No endpoint or credentials are passed: the SDK
 * resolves them itself, so `AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000` sends DynamoDB calls to a
 * local DynamoDB. With no `region`, the SDK's own chain applies (AWS_REGION, then the profile's `region`).
 */
export class AwsClients {
  /** In use order, least recently used first. */
  readonly #clients = new Map<string, unknown>();
  readonly #maxClients: number;
  readonly #load: typeof loadService;

  /** `maxClients` (default {@link DEFAULT_MAX_AWS_CLIENTS}) bounds the clients kept; `load` is for tests. */
  constructor(maxClients = DEFAULT_MAX_AWS_CLIENTS, load: typeof loadService = loadService) {
    if (!(Number.isInteger(maxClients) && maxClients >= 1)) {
      throw new RangeError(`maxClients must be a whole number of at least 1; got ${maxClients}`);
    }
    this.#maxClients = maxClients;
    this.#load = load;
  }

  /**
   * The client of `service` for `region` (the SDK's default region when undefined), created once and kept
   * while it is among the `maxClients` most recently used; past that the least recently used is destroyed.
   */
  async get<S extends ResourceType>(service: S, region?: string): Promise<ClientOf<S>> {
    const key = `${service}\0${region ?? ''}`;
    let client = this.#clients.get(key) as ClientOf<S> | undefined;
    if (!client) {
      const created = (await this.#load(service)).createClient(region ? { region } : {});
      // Another request may have created one while the module loaded: keep the first, drop this one.
      const raced = this.#clients.get(key) as ClientOf<S> | undefined;
      if (raced) {
        created.destroy();
        return raced;
      }
      client = instrumentation ? instrumentation(created) : created;
      for (const [oldest, evicted] of this.#clients) {
        if (this.#clients.size < this.#maxClients) break;
        this.#clients.delete(oldest);
        (evicted as { destroy(): void }).destroy();
      }
    }
    // Moved to the end: the most recently used.
    this.#clients.delete(key);
    this.#clients.set(key, client);
    return client;
  }

  /** How many clients exist, for tests and diagnostics. */
  get size(): number {
    return this.#clients.size;
  }

  /** Closes every client's connections and forgets them; the next `get` creates fresh ones. */
  destroy(): void {
    for (const client of this.#clients.values()) (client as { destroy(): void }).destroy();
    this.#clients.clear();
  }
}

const byOwner = new WeakMap<object, AwsClients>();

/**
 * The clients belonging to `owner` (the server's shared dependencies, one object per instance), created on
 * first use. Two servers built in one process (tests) thus never share clients or their resolved settings.
 */
export function awsClientsFor(owner: object): AwsClients {
  let clients = byOwner.get(owner);
  if (!clients) {
    clients = new AwsClients();
    byOwner.set(owner, clients);
  }
  return clients;
}
