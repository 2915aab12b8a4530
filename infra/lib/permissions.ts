// What McpStack's role may do beyond the defaults: exactly the DynamoDB data actions lambda-mcp's stores call
// and the monitor tool's read-only calls, and an on-failure destination that grants nothing by itself (the
// stack adds the one sqs:SendMessage statement). infra/test holds both templates to these statements.
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * The DynamoDB data actions lambda-mcp's stores call (sessions, events, mailbox, tasks): GetItem, PutItem,
 * UpdateItem and DeleteItem on single items, Query on a session's partition and on the session index,
 * BatchGetItem and BatchWriteItem for event chunks and clean-up. Nothing else: no Scan, no table management.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

/** The read-only calls of the `aws_real_time_monitor` tool (examples/aws-monitor/src/monitor/services). */
export const MONITOR_READ_ACTIONS = [
  'dynamodb:DescribeTable',
  'dynamodb:ListTables',
  'dynamodb:ListTagsOfResource',
  'ec2:DescribeInstances',
  'lambda:ListFunctions',
  'lambda:ListTags',
  'sqs:GetQueueAttributes',
  'sqs:ListQueueTags',
  'sqs:ListQueues',
];

/**
 * An asynchronous-invocation destination on `queue` that grants nothing itself (`SqsDestination` would add
 * `sqs:GetQueueAttributes` and `sqs:GetQueueUrl` too): the stack adds the one statement Lambda needs.
 *
 * @example
 * fn.configureAsyncInvoke({ onFailure: queueDestination(deadLetterQueue) });
 */
export function queueDestination(queue: sqs.IQueue): lambda.IDestination {
  return { bind: () => ({ destination: queue.queueArn }) };
}
