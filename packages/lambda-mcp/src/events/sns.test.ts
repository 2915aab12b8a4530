// SNS ingest over the event feed, on the in-memory log and on the DynamoDB log (dynalite): real-shaped SNS
// Lambda events, redelivery, malformed records (skipped and reported, never thrown), scope and source from
// message attributes, and a store outage (thrown, so Lambda retries the delivery).
import { readFile } from 'node:fs/promises';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../../test/dynamo-harness.js';
import { CONTRACT_T0, manualClock } from '../../test/global-log-contract.js';
import { DynamoGlobalEventLog } from '../dynamodb/global-log.js';
import { InvalidEventError, StoreUnavailableError } from '../errors.js';
import { EventFeed } from './feed.js';
import { type GlobalEventLog, MemoryGlobalEventLog } from './global-log.js';
import { ingestSns, isSnsEvent, SNS_DEFAULT_TYPE } from './sns.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lambda-mcp-events';

/** One record as SNS hands it to Lambda. */
function snsRecord(sns: Partial<SNSEventRecord['Sns']> & { MessageId?: string }): SNSEventRecord {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
    Sns: {
      Type: 'Notification',
      TopicArn: TOPIC,
      Subject: 'deploy.finished',
      Message: '{"service":"api","version":"1.4.2"}',
      Timestamp: '2027-01-15T08:00:00.000Z',
      SignatureVersion: '1',
      Signature:
        'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
      SigningCertUrl:
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
      UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:2bcfbf39`,
      MessageAttributes: {},
      ...sns,
    } as SNSEventRecord['Sns'],
  };
}

const snsEvent = (...records: SNSEventRecord[]): SNSEvent => ({ Records: records });

const ID_1 = '95df01b4-ee98-5cb9-9903-4c221d41eb5e';
const ID_2 = '6f1a7c3e-0b2d-5e4f-8a9b-1c2d3e4f5a6b';
const ID_3 = 'c0ffee00-1111-5222-8333-444455556666';

/** Runs the ingest cases on a feed over the log `makeLog` builds. */
function ingestSuite(name: string, makeLog: (now: () => number) => Promise<GlobalEventLog>) {
  describe(`ingestSns on the ${name} log`, () => {
    async function setup() {
      const clock = manualClock();
      const log = await makeLog(clock.now);
      const feed = new EventFeed({ log, now: clock.now, pollIntervalMs: 60_000 });
      const head = await log.head();
      /**
       * Everything logged since the start, in log order, once the clock has passed the settle window (the
       * DynamoDB log stamps each append of one instance a millisecond after the previous one).
       */
      const logged = async () => {
        clock.t += log.settleMs + 10;
        return (await log.read(head)).events.map((e) => e.event);
      };
      return { clock, log, feed, logged };
    }

    it('publishes a notification with its MessageId as the event id, its Subject as the type', async () => {
      const { feed, logged } = await setup();
      const result = await ingestSns(snsEvent(snsRecord({ MessageId: ID_1 })), feed);
      expect(result).toEqual({ records: 1, published: [ID_1], duplicates: [], skipped: [] });
      expect(await logged()).toEqual([
        {
          id: ID_1,
          type: 'deploy.finished',
          source: `sns:${TOPIC}`,
          data: { service: 'api', version: '1.4.2' },
          timestamp: new Date(CONTRACT_T0).toISOString(),
          scope: { kind: 'global' },
        },
      ]);
    });

    it('stores a redelivered message once and reports it as a duplicate', async () => {
      const { feed, logged, clock } = await setup();
      const event = snsEvent(snsRecord({ MessageId: ID_1 }));
      expect(await ingestSns(event, feed)).toMatchObject({ published: [ID_1], duplicates: [] });
      clock.t += 1_000;
      expect(await ingestSns(event, feed)).toEqual({
        records: 1,
        published: [],
        duplicates: [ID_1],
        skipped: [],
      });
      expect((await logged()).map((e) => e.id)).toEqual([ID_1]);
    });

    it('skips and reports malformed records, publishes the good ones, and resolves', async () => {
      const { feed, logged } = await setup();
      const skippedErrors: InvalidEventError[] = [];
      const batch = snsEvent(
        snsRecord({ MessageId: ID_1, Subject: 'first.good' }),
        snsRecord({ MessageId: 'bad-json', Message: 'not {json' }),
        snsRecord({ MessageId: 'bad-subject', Subject: 'Deploy finished!' }),
        snsRecord({ MessageId: undefined }),
        snsRecord({ MessageId: ID_2, Subject: undefined, Message: '"plain text"' }),
      );
      const result = await ingestSns(batch, feed, (error) => skippedErrors.push(error));
      expect(result).toEqual({
        records: 5,
        published: [ID_1, ID_2],
        duplicates: [],
        skipped: [
          { messageId: 'bad-json', reason: 'Sns.Message is not JSON' },
          {
            messageId: 'bad-subject',
            reason: 'event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got "Deploy finished!"',
          },
          { messageId: null, reason: 'the record has no Sns.MessageId' },
        ],
      });
      expect(skippedErrors.map((e) => e instanceof InvalidEventError)).toEqual([true, true, true]);
      expect(skippedErrors.map((e) => e.message)).toEqual([
        'SNS message bad-json skipped: Sns.Message is not JSON',
        'SNS message bad-subject skipped: event type must be 1-128 of A-Z a-z 0-9 . _ - / :; got "Deploy finished!"',
        'SNS message (no id) skipped: the record has no Sns.MessageId',
      ]);
      expect((await logged()).map((e) => [e.id, e.type, e.data])).toEqual([
        [ID_1, 'first.good', { service: 'api', version: '1.4.2' }],
        [ID_2, SNS_DEFAULT_TYPE, 'plain text'],
      ]);
    });

    it('scopes a message to the session its sessionId attribute names, and honours a source attribute', async () => {
      const { feed, logged } = await setup();
      await ingestSns(
        snsEvent(
          snsRecord({
            MessageId: ID_1,
            MessageAttributes: {
              sessionId: { Type: 'String', Value: 'sess-42' },
              source: { Type: 'String', Value: 'aws-monitor' },
            },
          }),
          snsRecord({ MessageId: ID_2, MessageAttributes: { sessionId: { Type: 'String', Value: '' } } }),
          snsRecord({ MessageId: ID_3, TopicArn: undefined }),
        ),
        feed,
      );
      expect((await logged()).map((e) => [e.id, e.scope, e.source])).toEqual([
        [ID_1, { kind: 'session', sessionId: 'sess-42' }, 'aws-monitor'],
        [ID_2, { kind: 'global' }, `sns:${TOPIC}`],
        [ID_3, { kind: 'global' }, 'sns:unknown-topic'],
      ]);
    });
  });
}

ingestSuite('memory', async (now) => new MemoryGlobalEventLog({ now }));
ingestSuite(
  'dynamodb',
  async (now) => new DynamoGlobalEventLog({ client: dynamo.client, tableName: await dynamo.newTable(), now }),
);

describe('ingestSns on the sample event', () => {
  it('publishes events/sns-notification.json as its Subject, MessageId and Message say', async () => {
    const sample = JSON.parse(
      await readFile(new URL('../../../../events/sns-notification.json', import.meta.url), 'utf8'),
    ) as SNSEvent;
    expect(isSnsEvent(sample)).toBe(true);
    const log = new MemoryGlobalEventLog();
    const feed = new EventFeed({ log });
    const head = await log.head();
    const sns = (sample.Records[0] as SNSEventRecord).Sns;
    expect(await ingestSns(sample, feed)).toEqual({
      records: 1,
      published: [sns.MessageId],
      duplicates: [],
      skipped: [],
    });
    const [logged] = (await log.read(head)).events;
    expect(logged?.event).toMatchObject({
      id: sns.MessageId,
      type: sns.Subject,
      source: `sns:${sns.TopicArn}`,
      data: JSON.parse(sns.Message),
      scope: { kind: 'global' },
    });
  });
});

describe('ingestSns with the store down', () => {
  it('rejects with StoreUnavailableError (so Lambda retries), and works again once the store is back', async () => {
    const log = new DynamoGlobalEventLog({ client: dynamo.client, tableName: await dynamo.newTable() });
    const feed = new EventFeed({ log });
    const skipped: InvalidEventError[] = [];
    await dynamo.stop();
    try {
      const failure = await ingestSns(snsEvent(snsRecord({ MessageId: ID_1 })), feed, (e) =>
        skipped.push(e),
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as Error).message).toMatch(/^DynamoDB global event claim failed: /);
      expect(skipped).toEqual([]);
    } finally {
      await dynamo.restart();
    }
    // The restarted dynalite is empty: a new table, and the retried delivery is stored.
    const after = new EventFeed({
      log: new DynamoGlobalEventLog({ client: dynamo.client, tableName: await dynamo.newTable() }),
    });
    expect(await ingestSns(snsEvent(snsRecord({ MessageId: ID_1 })), after)).toMatchObject({
      published: [ID_1],
    });
  });
});

describe('isSnsEvent', () => {
  it('recognises SNS Lambda events only', () => {
    expect(isSnsEvent(snsEvent(snsRecord({ MessageId: ID_1 })))).toBe(true);
    expect(isSnsEvent(snsEvent(snsRecord({ MessageId: ID_1 }), snsRecord({ MessageId: ID_2 })))).toBe(true);

    const apiGateway = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/mcp',
      headers: { 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST', path: '/mcp' } },
      body: '{}',
      isBase64Encoded: false,
    };
    const sqs = { Records: [{ eventSource: 'aws:sqs', messageId: 'm', body: '{}' }] };
    const mixed = { Records: [snsRecord({ MessageId: ID_1 }), sqs.Records[0]] };
    for (const other of [
      apiGateway,
      sqs,
      mixed,
      { Records: [] },
      { Records: 'x' },
      { Records: [null] },
      null,
      'x',
      [],
    ]) {
      expect(isSnsEvent(other), JSON.stringify(other)).toBe(false);
    }
  });
});
