// SQS queues for `aws_real_time_monitor`. Loaded only when a request asks for SQS.
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  compact,
  epochSecondsToIso,
  keepTagged,
  type ListOptions,
  mapLimit,
  numberOrUndefined,
  type Resource,
} from '../inventory.js';

/** An SQS client with the SDK's own configuration chain (AWS_ENDPOINT_URL_SQS included). */
export function createClient(config: { region?: string }): SQSClient {
  return new SQSClient(config);
}

/** SQS: ListQueues (every page), GetQueueAttributes for each, ListQueueTags only when filtering. */
export async function listSqsQueues(client: SQSClient, options: ListOptions = {}): Promise<Resource[]> {
  const send = { abortSignal: options.abortSignal };
  const urls: string[] = [];
  let next: string | undefined;
  do {
    // NextToken is only returned when MaxResults is given.
    const page = await client.send(
      new ListQueuesCommand({ MaxResults: 1000, ...(next && { NextToken: next }) }),
      send,
    );
    urls.push(...(page.QueueUrls ?? []));
    next = page.NextToken;
  } while (next);

  const queues = await mapLimit(urls, async (url): Promise<Resource | undefined> => {
    let attributes: Record<string, string>;
    try {
      attributes =
        (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }), send))
          .Attributes ?? {};
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue')
        return undefined;
      throw error;
    }
    let tags: Record<string, string> | undefined;
    if (options.filterTags) {
      tags = { ...(await client.send(new ListQueueTagsCommand({ QueueUrl: url }), send)).Tags };
    }
    return {
      id: url,
      name: url.slice(url.lastIndexOf('/') + 1),
      type: 'SQS',
      state: 'exists',
      details: compact({
        arn: attributes.QueueArn,
        fifo: attributes.FifoQueue === undefined ? undefined : attributes.FifoQueue === 'true',
        messagesVisible: numberOrUndefined(attributes.ApproximateNumberOfMessages),
        messagesInFlight: numberOrUndefined(attributes.ApproximateNumberOfMessagesNotVisible),
        messagesDelayed: numberOrUndefined(attributes.ApproximateNumberOfMessagesDelayed),
        visibilityTimeoutSeconds: numberOrUndefined(attributes.VisibilityTimeout),
        createdAt: epochSecondsToIso(attributes.CreatedTimestamp),
      }),
      ...(tags && { tags }),
    };
  });
  return keepTagged(queues, options.filterTags);
}

/** The lister the inventory dispatches to. */
export const list = listSqsQueues;
