// The inventory listers: the exact AWS commands and inputs they send (every page, tag filters, tags read
// only when filtering), checked with aws-sdk-client-mock for EC2, Lambda and SQS, and DynamoDB for real
// against dynalite.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../../../../packages/lambda-mcp/test/dynamo-harness.js';
import { listDynamoDbTables } from './services/dynamodb.js';
import { listEc2Instances } from './services/ec2.js';
import { listLambdaFunctions } from './services/lambda.js';
import { listSqsQueues } from './services/sqs.js';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/** The inputs of the calls of one command, in the order they were sent. */
function inputs<T>(calls: { args: [{ input: T }, ...unknown[]] }[]): T[] {
  return calls.map((call) => call.args[0].input);
}

/** The same, sorted: per-resource calls run concurrently, so only the set of inputs is fixed. */
function sortedInputs<T>(calls: { args: [{ input: T }, ...unknown[]] }[]): T[] {
  return inputs(calls)
    .map((input) => [JSON.stringify(input), input] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, input]) => input);
}

describe('listEc2Instances', () => {
  it('reads every page and sends the tag filter as tag: Filters', async () => {
    const client = new EC2Client(config);
    const ec2 = mockClient(client);
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                State: { Name: 'running' },
                InstanceType: 't3.micro',
                Placement: { AvailabilityZone: 'us-east-1a' },
                Tags: [
                  { Key: 'Name', Value: 'web' },
                  { Key: 'env', Value: 'prod' },
                  { Key: 'team', Value: 'core' },
                ],
              },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-2',
                State: { Name: 'stopped' },
                Tags: [
                  { Key: 'env', Value: 'prod' },
                  { Key: 'team', Value: 'core' },
                ],
              },
            ],
          },
        ],
      });
    const abort = new AbortController();
    const resources = await listEc2Instances(client, {
      filterTags: { env: 'prod', team: 'core' },
      abortSignal: abort.signal,
    });

    const filters = [
      { Name: 'tag:env', Values: ['prod'] },
      { Name: 'tag:team', Values: ['core'] },
    ];
    expect(ec2.calls()).toHaveLength(2);
    expect(inputs(ec2.commandCalls(DescribeInstancesCommand))).toEqual([
      { Filters: filters, MaxResults: 1000 },
      { Filters: filters, MaxResults: 1000, NextToken: 'page-2' },
    ]);
    expect((ec2.send.firstCall.args as unknown[])[1]).toEqual({ abortSignal: abort.signal });
    expect(resources).toEqual([
      {
        id: 'i-1',
        name: 'web',
        type: 'EC2',
        state: 'running',
        details: { instanceType: 't3.micro', availabilityZone: 'us-east-1a' },
        tags: { Name: 'web', env: 'prod', team: 'core' },
      },
      {
        id: 'i-2',
        name: 'i-2',
        type: 'EC2',
        state: 'stopped',
        details: {},
        tags: { env: 'prod', team: 'core' },
      },
    ]);
  });

  it('sends no Filters without a tag filter', async () => {
    const client = new EC2Client(config);
    const ec2 = mockClient(client);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    expect(await listEc2Instances(client)).toEqual([]);
    expect(inputs(ec2.commandCalls(DescribeInstancesCommand))).toEqual([{ MaxResults: 1000 }]);
  });
});

describe('listLambdaFunctions', () => {
  const page1 = {
    Functions: [
      {
        FunctionName: 'alpha',
        FunctionArn: 'arn:aws:lambda:us-east-1:1:function:alpha',
        Runtime: 'nodejs22.x' as const,
        MemorySize: 512,
        LastModified: '2026-01-01T00:00:00.000+0000',
      },
    ],
    NextMarker: 'marker-2',
  };
  const page2 = {
    Functions: [
      {
        FunctionName: 'beta',
        FunctionArn: 'arn:aws:lambda:us-east-1:1:function:beta',
        State: 'Active' as const,
      },
    ],
  };

  it('reads every page by Marker and reads no tags without a filter', async () => {
    const client = new LambdaClient(config);
    const lambda = mockClient(client);
    lambda.on(ListFunctionsCommand).resolvesOnce(page1).resolvesOnce(page2);
    const resources = await listLambdaFunctions(client);
    expect(inputs(lambda.commandCalls(ListFunctionsCommand))).toEqual([
      { MaxItems: 50 },
      { Marker: 'marker-2', MaxItems: 50 },
    ]);
    expect(lambda.commandCalls(ListTagsCommand)).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(2);
    expect(resources).toEqual([
      {
        id: 'arn:aws:lambda:us-east-1:1:function:alpha',
        name: 'alpha',
        type: 'Lambda',
        state: 'exists',
        details: { runtime: 'nodejs22.x', memorySize: 512, lastModified: '2026-01-01T00:00:00.000+0000' },
      },
      {
        id: 'arn:aws:lambda:us-east-1:1:function:beta',
        name: 'beta',
        type: 'Lambda',
        state: 'Active',
        details: {},
      },
    ]);
  });

  it('reads each function’s tags with ListTags when filtering and keeps the matching ones', async () => {
    const client = new LambdaClient(config);
    const lambda = mockClient(client);
    lambda.on(ListFunctionsCommand).resolvesOnce(page1).resolvesOnce(page2);
    lambda
      .on(ListTagsCommand, { Resource: 'arn:aws:lambda:us-east-1:1:function:alpha' })
      .resolves({ Tags: { env: 'prod' } })
      .on(ListTagsCommand, { Resource: 'arn:aws:lambda:us-east-1:1:function:beta' })
      .resolves({ Tags: { env: 'dev' } });
    const resources = await listLambdaFunctions(client, { filterTags: { env: 'prod' } });
    expect(sortedInputs(lambda.commandCalls(ListTagsCommand))).toEqual([
      { Resource: 'arn:aws:lambda:us-east-1:1:function:alpha' },
      { Resource: 'arn:aws:lambda:us-east-1:1:function:beta' },
    ]);
    expect(resources.map((r) => [r.name, r.tags])).toEqual([['alpha', { env: 'prod' }]]);
  });
});

describe('listSqsQueues', () => {
  const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;

  it('reads every page, the attributes of each queue, and tags only when filtering', async () => {
    const client = new SQSClient(config);
    const sqs = mockClient(client);
    sqs
      .on(ListQueuesCommand)
      .resolvesOnce({ QueueUrls: [url('orders'), url('gone')], NextToken: 'next-1' })
      .resolvesOnce({ QueueUrls: [url('audit.fifo')] });
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: url('orders') })
      .resolves({
        Attributes: {
          QueueArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
          ApproximateNumberOfMessages: '4',
          ApproximateNumberOfMessagesNotVisible: '1',
          CreatedTimestamp: '1767225600',
        },
      })
      .on(GetQueueAttributesCommand, { QueueUrl: url('gone') })
      .rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }))
      .on(GetQueueAttributesCommand, { QueueUrl: url('audit.fifo') })
      .resolves({ Attributes: { FifoQueue: 'true' } });
    sqs
      .on(ListQueueTagsCommand, { QueueUrl: url('orders') })
      .resolves({ Tags: { team: 'core' } })
      .on(ListQueueTagsCommand, { QueueUrl: url('audit.fifo') })
      .resolves({});

    const all = await listSqsQueues(client);
    expect(inputs(sqs.commandCalls(ListQueuesCommand))).toEqual([
      { MaxResults: 1000 },
      { MaxResults: 1000, NextToken: 'next-1' },
    ]);
    expect(sortedInputs(sqs.commandCalls(GetQueueAttributesCommand))).toEqual([
      { QueueUrl: url('audit.fifo'), AttributeNames: ['All'] },
      { QueueUrl: url('gone'), AttributeNames: ['All'] },
      { QueueUrl: url('orders'), AttributeNames: ['All'] },
    ]);
    expect(sqs.commandCalls(ListQueueTagsCommand)).toHaveLength(0);
    expect(all).toEqual([
      {
        id: url('orders'),
        name: 'orders',
        type: 'SQS',
        state: 'exists',
        details: {
          arn: 'arn:aws:sqs:us-east-1:123456789012:orders',
          messagesVisible: 4,
          messagesInFlight: 1,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      },
      { id: url('audit.fifo'), name: 'audit.fifo', type: 'SQS', state: 'exists', details: { fifo: true } },
    ]);

    sqs.resetHistory();
    const tagged = await listSqsQueues(client, { filterTags: { team: 'core' } });
    expect(sortedInputs(sqs.commandCalls(ListQueueTagsCommand))).toEqual([
      { QueueUrl: url('audit.fifo') },
      { QueueUrl: url('orders') },
    ]);
    expect(tagged.map((q) => [q.name, q.tags])).toEqual([['orders', { team: 'core' }]]);
  });

  it('passes other AWS errors on', async () => {
    const client = new SQSClient(config);
    const sqs = mockClient(client);
    sqs
      .on(ListQueuesCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: {} }));
    await expect(listSqsQueues(client)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('listDynamoDbTables against dynalite', () => {
  let dynamo: TestDynamo;
  let client: DynamoDBClient;
  const prefix = `monitor-inv-${process.pid}`;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    client = dynamo.client;
    for (const name of ['a', 'b', 'c']) {
      await client.send(
        new CreateTableCommand({
          TableName: `${prefix}-${name}`,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
    const arn = (await client.send(new DescribeTableCommand({ TableName: `${prefix}-b` }))).Table?.TableArn;
    await client.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'team', Value: 'core' },
          { Key: 'env', Value: 'prod' },
        ],
      }),
    );
  });
  afterAll(async () => {
    await dynamo?.close();
  });

  it('lists and describes every table, without reading tags', async () => {
    dynamo.calls.length = 0;
    const tables = (await listDynamoDbTables(client)).filter((t) => t.name.startsWith(prefix));
    expect(tables.map((t) => [t.name, t.state, t.tags])).toEqual([
      [`${prefix}-a`, 'ACTIVE', undefined],
      [`${prefix}-b`, 'ACTIVE', undefined],
      [`${prefix}-c`, 'ACTIVE', undefined],
    ]);
    const b = tables[1];
    expect(b?.id).toMatch(/^arn:aws:dynamodb:us-east-1:\d+:table\/monitor-inv-/);
    expect(b?.details).toMatchObject({ itemCount: 0, sizeBytes: 0, billingMode: 'PAY_PER_REQUEST' });
    expect(dynamo.calls.filter((c) => c === 'ListTablesCommand')).toHaveLength(1);
    expect(dynamo.calls.filter((c) => c === 'DescribeTableCommand').length).toBeGreaterThanOrEqual(3);
    expect(dynamo.calls).not.toContain('ListTagsOfResourceCommand');
  });

  it('reads tags with ListTagsOfResource only when filtering, and keeps the matching tables', async () => {
    dynamo.calls.length = 0;
    const tables = await listDynamoDbTables(client, { filterTags: { team: 'core', env: 'prod' } });
    expect(tables.map((t) => [t.name, t.tags])).toEqual([[`${prefix}-b`, { team: 'core', env: 'prod' }]]);
    expect(dynamo.calls).toContain('ListTagsOfResourceCommand');
  });

  it('follows LastEvaluatedTableName over pages and skips a table deleted mid-listing', async () => {
    const paging = new DynamoDBClient(config);
    const mock = mockClient(paging);
    mock
      .on(ListTablesCommand)
      .resolvesOnce({ TableNames: ['t1', 't2'], LastEvaluatedTableName: 't2' })
      .resolvesOnce({ TableNames: ['t3'] });
    mock
      .on(DescribeTableCommand, { TableName: 't1' })
      .resolves({ Table: { TableName: 't1', TableArn: 'arn:t1', TableStatus: 'ACTIVE' } })
      .on(DescribeTableCommand, { TableName: 't2' })
      .rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }))
      .on(DescribeTableCommand, { TableName: 't3' })
      .resolves({ Table: { TableName: 't3', TableArn: 'arn:t3', TableStatus: 'UPDATING' } });
    mock
      .on(ListTagsOfResourceCommand, { ResourceArn: 'arn:t1' })
      .resolvesOnce({ Tags: [{ Key: 'a', Value: '1' }], NextToken: 'tags-2' })
      .resolvesOnce({ Tags: [{ Key: 'b', Value: '2' }] })
      .on(ListTagsOfResourceCommand, { ResourceArn: 'arn:t3' })
      .resolves({ Tags: [] });
    const tables = await listDynamoDbTables(paging, { filterTags: { b: '2' } });
    expect(inputs(mock.commandCalls(ListTablesCommand))).toEqual([
      { Limit: 100 },
      { ExclusiveStartTableName: 't2', Limit: 100 },
    ]);
    expect(sortedInputs(mock.commandCalls(ListTagsOfResourceCommand))).toEqual([
      { ResourceArn: 'arn:t1', NextToken: 'tags-2' },
      { ResourceArn: 'arn:t1' },
      { ResourceArn: 'arn:t3' },
    ]);
    expect(tables).toEqual([
      {
        id: 'arn:t1',
        name: 't1',
        type: 'DynamoDB',
        state: 'ACTIVE',
        details: { arn: 'arn:t1' },
        tags: { a: '1', b: '2' },
      },
    ]);
    paging.destroy();
  });

  it('does not see a table deleted before the listing', async () => {
    await client.send(new DeleteTableCommand({ TableName: `${prefix}-c` }));
    const names = (await listDynamoDbTables(client)).map((t) => t.name).filter((n) => n.startsWith(prefix));
    expect(names).toEqual([`${prefix}-a`, `${prefix}-b`]);
  });
});
