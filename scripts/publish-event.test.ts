// scripts/publish-event.ts against a mocked SNS client (aws-sdk-client-mock): the exact PublishCommand input,
// the MessageId printed, the usage errors (exit 2, naming the flag, nothing sent), and the format itself: what
// it sends, delivered the way SNS delivers it (events/sns-notification.json is such a delivery), is the event
// lambda-mcp's SNS ingest publishes.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type EventFeed, type EventInput, type EventScope, ingestSns, isSnsEvent } from 'lambda-mcp';
import { afterEach, describe, expect, it } from 'vitest';
import sample from '../events/sns-notification.json' with { type: 'json' };
import { parseArgs, publishEvent, UsageError } from './publish-event.js';

const ROOT = resolve(import.meta.dirname, '..');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:lambda-mcp-notifications';
const OTHER_TOPIC = 'arn:aws:sns:us-east-2:210987654321:other-events';
const env = { SNS_TOPIC_ARN: TOPIC };

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

/** Runs publishEvent with a mocked client; resolves with the MessageId and the inputs sent. */
async function publish(argv: string[], environment: NodeJS.ProcessEnv = env) {
  sns.on(PublishCommand).resolves({ MessageId: '9b1c1d2e-0f3a-4b5c-8d7e-6f5a4b3c2d1e' });
  const client = new SNSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const messageId = await publishEvent(argv, { client, env: environment });
  return { messageId, sent: sns.commandCalls(PublishCommand).map((call) => call.args[0].input) };
}

describe('publishEvent', () => {
  it('sends one PublishCommand to SNS_TOPIC_ARN: Subject = type, Message = {} by default, no attributes', async () => {
    const { messageId, sent } = await publish(['--type', 'deploy.finished']);
    expect(sent).toEqual([{ TopicArn: TOPIC, Subject: 'deploy.finished', Message: '{}' }]);
    expect(messageId).toBe('9b1c1d2e-0f3a-4b5c-8d7e-6f5a4b3c2d1e');
  });

  it('sends the data as given, sessionId and source as String attributes, to --topic-arn over SNS_TOPIC_ARN', async () => {
    const { sent } = await publish([
      `--topic-arn=${OTHER_TOPIC}`,
      '--type',
      'tools/list_changed',
      '--data',
      '{"service":"checkout","version":"1.4.2"}',
      '--session',
      'a1b2c3d4-session',
      '--source',
      'ci/deploy',
    ]);
    expect(sent).toEqual([
      {
        TopicArn: OTHER_TOPIC,
        Subject: 'tools/list_changed',
        Message: '{"service":"checkout","version":"1.4.2"}',
        MessageAttributes: {
          sessionId: { DataType: 'String', StringValue: 'a1b2c3d4-session' },
          source: { DataType: 'String', StringValue: 'ci/deploy' },
        },
      },
    ]);
  });

  it("accepts any JSON value as data, and calls the topic's region unless --region says otherwise", () => {
    expect(parseArgs(['--type', 't', '--data', '[1,"two",null]'], env)).toEqual({
      topicArn: TOPIC,
      type: 't',
      data: '[1,"two",null]',
      region: 'eu-west-1',
    });
    expect(parseArgs(['--type', 't', '--data', '42', '--topic-arn', OTHER_TOPIC], env).region).toBe(
      'us-east-2',
    );
    expect(parseArgs(['--type', 't', '--region', 'ap-southeast-2'], env).region).toBe('ap-southeast-2');
  });

  it.each([
    { argv: ['--data', '{}'], environment: env, error: '--type is required' },
    { argv: ['--type', 't'], environment: {}, error: '--topic-arn is required (or set SNS_TOPIC_ARN)' },
    {
      argv: ['--type', 't', '--topic-arn', 'arn:aws:sqs:eu-west-1:123456789012:q'],
      error: '--topic-arn must be',
    },
    { argv: ['--type', 't', '--data', '{oops}'], error: '--data must be JSON' },
    { argv: ['--type', 'two words'], error: '--type must be 1-99 of' },
    { argv: ['--type', 'x'.repeat(100)], error: '--type must be 1-99 of' },
    { argv: ['--type', 't', '--session', ''], error: '--session must be 1-256 characters' },
    { argv: ['--type', 't', '--source', ' '], error: '--source must be 1-256 characters' },
    { argv: ['--type', 't', '--region', 'Mars'], error: '--region must be an AWS region' },
    { argv: ['--type'], error: '--type needs a value' },
    { argv: ['--type', '--data', '{}'], error: '--type needs a value' },
    { argv: ['--type', 'a', '--type=b'], error: '--type is given twice' },
    { argv: ['--type', 't', '--subject', 's'], error: 'unknown argument --subject' },
    { argv: ['deploy.finished'], error: 'unknown argument deploy.finished' },
  ])('refuses $argv: $error, sending nothing', async ({ argv, environment, error }) => {
    const attempt = publish(argv, environment ?? env);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(error);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});

describe('npm run publish-event', () => {
  const run = (args: string[]) =>
    spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/publish-event.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SNS_TOPIC_ARN: TOPIC },
    });

  it('exits 2 on a usage error, naming the flag and printing the usage; --help exits 0', () => {
    const bad = run(['--type', 'deploy.finished', '--data', 'not json']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^publish-event: --data must be JSON .*\nusage: npm run publish-event -- /);
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run publish-event -- \[--topic-arn ARN\] --type TYPE/);
  });
});

describe('the SNS message format', () => {
  /** What SNS hands the function for a published input (the parts ingest reads). */
  function delivered(input: PublishCommandInput, messageId: string): SNSEvent {
    const record = structuredClone(sample.Records[0]) as SNSEvent['Records'][number];
    record.Sns = {
      ...record.Sns,
      MessageId: messageId,
      TopicArn: input.TopicArn as string,
      Subject: input.Subject as string,
      Message: input.Message as string,
      MessageAttributes: Object.fromEntries(
        Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          { Type: value.DataType as string, Value: value.StringValue as string },
        ]),
      ),
    };
    return { Records: [record] };
  }

  /** The events ingest publishes for an SNS event, through a stand-in feed. */
  async function ingested(event: SNSEvent) {
    const published: { input: EventInput; scope: EventScope; options: unknown }[] = [];
    const feed = {
      publish: async (input: EventInput, scope: EventScope, options: unknown) => {
        published.push({ input, scope, options });
        return { stored: true };
      },
    } as unknown as EventFeed;
    const result = await ingestSns(event, feed);
    return { published, result };
  }

  it('events/sns-notification.json is a Lambda SNS event that ingest publishes as a global deploy.finished', async () => {
    const event: SNSEvent = sample;
    expect(isSnsEvent(event)).toBe(true);
    expect(event.Records[0]?.Sns.MessageId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const { published, result } = await ingested(event);
    expect(result.skipped).toEqual([]);
    expect(published).toEqual([
      {
        input: {
          id: '5d3f9b2e-7c41-5a8e-b6d0-94e2c1f7a3b8',
          type: 'deploy.finished',
          source: `sns:${sample.Records[0]?.Sns.TopicArn}`,
          data: { service: 'checkout', version: '1.4.2' },
        },
        scope: { kind: 'global' },
        options: { dedupe: true },
      },
    ]);
  });

  it('what publish-event sends arrives as that event, for the session it names, from the source it names', async () => {
    const { sent } = await publish([
      '--type',
      'deploy.finished',
      '--data',
      '{"service":"checkout"}',
      '--session',
      'sess-1',
      '--source',
      'ci',
    ]);
    const { published } = await ingested(delivered(sent[0] as PublishCommandInput, 'm-1'));
    expect(published.map(({ input, scope }) => ({ input, scope }))).toEqual([
      {
        input: { id: 'm-1', type: 'deploy.finished', source: 'ci', data: { service: 'checkout' } },
        scope: { kind: 'session', sessionId: 'sess-1' },
      },
    ]);
  });
});
