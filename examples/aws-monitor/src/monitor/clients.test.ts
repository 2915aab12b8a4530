// The monitor's AWS clients are a small LRU: one per (service, region) while among the most recently used,
// the least recently used destroyed once one more is needed, so a stream of `region` strings cannot grow it.
import { describe, expect, it } from 'vitest';
import { AwsClients, DEFAULT_MAX_AWS_CLIENTS } from './clients.js';
import type { loadService } from './inventory.js';

interface FakeClient {
  region: string | undefined;
  destroyed: boolean;
  destroy(): void;
}

function fakeLoader() {
  const created: FakeClient[] = [];
  const load = (async () => ({
    createClient: ({ region }: { region?: string }) => {
      const client: FakeClient = {
        region,
        destroyed: false,
        destroy() {
          this.destroyed = true;
        },
      };
      created.push(client);
      return client;
    },
    list: async () => [],
  })) as unknown as typeof loadService;
  return { created, load };
}

describe('AwsClients', () => {
  it('evicts and destroys the least recently used client past its size', async () => {
    const { created, load } = fakeLoader();
    const clients = new AwsClients(2, load);
    const a = await clients.get('SQS', 'us-east-1');
    await clients.get('SQS', 'eu-west-1');
    expect(await clients.get('SQS', 'us-east-1')).toBe(a); // reused, and now the most recently used
    await clients.get('SQS', 'ap-south-1');
    expect(clients.size).toBe(2);
    expect(created.map((c) => [c.region, c.destroyed])).toEqual([
      ['us-east-1', false],
      ['eu-west-1', true],
      ['ap-south-1', false],
    ]);

    for (let i = 0; i < 100; i++) await clients.get('EC2', `region-${i}`);
    expect(clients.size).toBe(2);
    expect(created.filter((c) => !c.destroyed).map((c) => c.region)).toEqual(['region-98', 'region-99']);
    clients.destroy();
    expect(created.every((c) => c.destroyed)).toBe(true);
  });

  it('keeps 16 by default and refuses a size below 1', async () => {
    expect(DEFAULT_MAX_AWS_CLIENTS).toBe(16);
    const { created, load } = fakeLoader();
    const clients = new AwsClients(undefined, load);
    for (let i = 0; i < 20; i++) await clients.get('Lambda', `r-${i}`);
    expect(clients.size).toBe(16);
    expect(created.filter((c) => c.destroyed)).toHaveLength(4);
    expect(() => new AwsClients(0)).toThrow('maxClients must be a whole number of at least 1; got 0');
  });
});
