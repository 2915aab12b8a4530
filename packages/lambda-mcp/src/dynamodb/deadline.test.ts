// The total deadline of a DynamoDB call, against an endpoint that accepts connections and never answers (a
// stalled DynamoDB): the call fails at the deadline, retries included, whatever the client's own timeouts.
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoClient,
  DEFAULT_STORE_TIMEOUT_MS,
  StoreDeadlineError,
  storeCall,
  withDeadline,
} from './client.js';

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();
beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const local = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
const get = () => new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });

async function timed(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, ms: Date.now() - started };
}

describe('store call deadline', () => {
  it('createDynamoClient: the default total deadline is 3000 ms, retries included', async () => {
    expect(DEFAULT_STORE_TIMEOUT_MS).toBe(3000);
    const client = createDynamoClient({ endpoint, ...local });
    const { error, ms } = await timed(() => client.send(get()));
    client.destroy();
    expect(error).toBeInstanceOf(StoreDeadlineError);
    expect(ms).toBeGreaterThanOrEqual(2950);
    expect(ms).toBeLessThan(3400);
  }, 10_000);

  it('createDynamoClient({ timeoutMs }) and storeCall: a StoreUnavailableError at the deadline', async () => {
    const client = createDynamoClient({ endpoint, ...local, timeoutMs: 200 });
    const { error, ms } = await timed(() => storeCall('session read', () => client.send(get())));
    client.destroy();
    expect(error).toMatchObject({ name: 'StoreUnavailableError' });
    expect((error as Error).message).toBe(
      'DynamoDB session read failed: StoreDeadlineError: no answer within the 200 ms store deadline (retries included)',
    );
    expect(ms).toBeLessThan(600);
  });

  it('withDeadline bounds a caller’s client with long timeouts and many retries, leaving it unchanged', async () => {
    const client = new DynamoDBClient({
      endpoint,
      ...local,
      maxAttempts: 10,
      requestHandler: { requestTimeout: 60_000 },
    });
    const send = client.send;
    const bounded = withDeadline(client, 250);
    const { error, ms } = await timed(() =>
      bounded.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })),
    );
    expect(error).toBeInstanceOf(StoreDeadlineError);
    expect(ms).toBeLessThan(650);
    expect(client.send).toBe(send);
    expect(withDeadline(bounded, 250)).toBe(bounded);
    client.destroy();
  });

  it('a caller’s own abort signal still works under the deadline', async () => {
    const client = createDynamoClient({ endpoint, ...local, timeoutMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error, ms } = await timed(() => client.send(get(), { abortSignal: controller.signal }));
    client.destroy();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(StoreDeadlineError);
    expect(ms).toBeLessThan(1000);
  });

  it('rejects a deadline that is not a whole number of ms from 1 to 600000', () => {
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 600_001]) {
      expect(() => createDynamoClient({ timeoutMs })).toThrow(RangeError);
    }
  });
});
