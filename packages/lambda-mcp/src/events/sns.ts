// SNS ingest: a Lambda SNS event (one or more records) becomes published events. Each record is checked
// (Subject → type, Message → JSON data, size limit) and published with its `MessageId` as the event id, so a
// redelivered message stores nothing. A malformed record is reported and skipped, never thrown: a throw
// would make Lambda retry the whole batch and SNS redeliver it. Only a store failure throws, so the delivery
// is retried (and lands in the dead-letter queue when it keeps failing).
import type { SNSEvent } from 'aws-lambda';
import { InvalidEventError } from '../errors.js';
import { isRecord } from '../guards.js';
import type { EventFeed } from './feed.js';
import type { EventScope } from './model.js';

/** The event type of an SNS message without a Subject. */
export const SNS_DEFAULT_TYPE = 'sns.notification';

/** What one SNS event did. */
export interface SnsIngestResult {
  records: number;
  /** Event ids published. */
  published: string[];
  /** Message ids already stored by an earlier delivery. */
  duplicates: string[];
  /** Records refused, with the reason. */
  skipped: { messageId: string | null; reason: string }[];
}

/** Whether a Lambda event is an SNS notification event (`Records[].EventSource === 'aws:sns'`). */
export function isSnsEvent(event: unknown): event is SNSEvent {
  if (!isRecord(event) || !Array.isArray(event.Records) || event.Records.length === 0) return false;
  return event.Records.every((r) => isRecord(r) && r.EventSource === 'aws:sns');
}

/**
 * Publishes each record of an SNS event; see the module comment.
 *
 * @throws {StoreUnavailableError} when the log cannot be written (the delivery should be retried).
 */
export async function ingestSns(
  event: SNSEvent,
  feed: EventFeed,
  onskip: (error: InvalidEventError) => void = () => {},
): Promise<SnsIngestResult> {
  const result: SnsIngestResult = {
    records: event.Records.length,
    published: [],
    duplicates: [],
    skipped: [],
  };
  for (const record of event.Records) {
    const sns = record.Sns as Partial<SNSEvent['Records'][number]['Sns']> | undefined;
    const messageId = typeof sns?.MessageId === 'string' ? sns.MessageId : null;
    try {
      if (!sns || messageId === null) throw new InvalidEventError('the record has no Sns.MessageId');
      if (typeof sns.Message !== 'string') throw new InvalidEventError('Sns.Message is not a string');
      let data: unknown;
      try {
        data = JSON.parse(sns.Message);
      } catch {
        throw new InvalidEventError('Sns.Message is not JSON');
      }
      const attributes = sns.MessageAttributes ?? {};
      const sessionId = attributes.sessionId?.Value;
      const scope: EventScope = sessionId ? { kind: 'session', sessionId } : { kind: 'global' };
      const { stored } = await feed.publish(
        {
          id: messageId,
          type: sns.Subject || SNS_DEFAULT_TYPE,
          source: attributes.source?.Value || `sns:${sns.TopicArn ?? 'unknown-topic'}`,
          data,
        },
        scope,
        { dedupe: true },
      );
      (stored ? result.published : result.duplicates).push(messageId);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      const skipped = new InvalidEventError(
        `SNS message ${messageId ?? '(no id)'} skipped: ${error.message}`,
      );
      result.skipped.push({ messageId, reason: error.message });
      onskip(skipped);
    }
  }
  return result;
}
