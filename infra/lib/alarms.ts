// The operator's CloudWatch alarms of McpStack, beside its dashboard (lib/dashboard.ts): errors of each function
// (Lambda `Errors`: invocations that threw or timed out) and, with the HTTP API, its `5xx` responses; throttles
// of each function and of the session table; the rate of the server's own 5xx answers; and, with the SNS topic,
// a non-empty dead-letter queue. The 5xx rate is metric math over the server's EMF `ServerErrors` (one per
// answer with status >= 500, under the `service` dimension alone, examples/aws-monitor/src/observability.ts)
// and the Lambda `Invocations` of the functions that serve HTTP: its EMF `Errors` cannot serve, as the status
// there is a dimension value (`Code`) and an alarm cannot sum over dimension values (no SEARCH in alarms).
// Every alarm treats missing data as not breaching (no traffic is no trouble). With `alarmEmail` an SNS topic
// with that e-mail subscription is every alarm's action (output AlarmTopicArn); without it the alarms have no
// actions. Plain CloudFormation resources (L1) so that template.yaml declares the same; infra/test compares
// the two.
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import { CfnAlarm, type CfnAlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { type DashboardTargets, METRICS_NAMESPACE } from './dashboard.js';

/** What the alarms watch (the dashboard's targets), and where they send their notifications. */
export interface AlarmTargets
  extends Pick<DashboardTargets, 'serviceName' | 'functionName' | 'tableName' | 'httpApi' | 'sns'> {
  /** An e-mail address to notify: creates the alarm topic with its subscription. Default none. */
  alarmEmail?: string;
}

/** The alarm topic's logical id (template.yaml uses the same). */
export const ALARM_TOPIC_ID = 'McpAlarmTopic';

/** Every alarm's period, in seconds: five minutes, the dashboard's. */
export const ALARM_PERIOD = 300;

/** Function errors (throws, timeouts, out-of-memory) in one period that raise the errors alarm. */
export const ERRORS_THRESHOLD = 5;

/** HTTP API 5xx responses in one period that raise its alarm. */
export const HTTP_5XX_THRESHOLD = 5;

/** The server's 5xx answers, in percent of its HTTP functions' invocations, that raise the 5xx-rate alarm. */
export const SERVER_5XX_RATE_THRESHOLD = 5;

/**
 * Invocations in one period below which the 5xx-rate alarm counts the rate as 0: one failure among three
 * requests is no outage.
 */
export const SERVER_5XX_MIN_INVOCATIONS = 20;

/** One metric of a namespace, by one dimension. */
type Metric = { namespace: string; name: string; dimension: string; value: string; stat: string };

/**
 * Adds the alarms and, with `alarmEmail`, the alarm topic (and its `AlarmTopicArn` output) to `stack`;
 * returns the alarms in the order they were added.
 *
 * @example
 * const alarms = addAlarms(this, { serviceName: 'aws-monitor', functionName, tableName, alarmEmail });
 * alarms.map((alarm) => alarm.attrArn); // the dashboard's alarm widget lists them
 */
export function addAlarms(stack: Stack, targets: AlarmTargets): CfnAlarm[] {
  let actions: string[] | undefined;
  if (targets.alarmEmail) {
    const topic = new CfnTopic(stack, ALARM_TOPIC_ID, {
      subscription: [{ protocol: 'email', endpoint: targets.alarmEmail }],
    });
    topic.overrideLogicalId(ALARM_TOPIC_ID);
    actions = [topic.ref];
    new CfnOutput(stack, 'AlarmTopicArn', {
      value: topic.ref,
      description: 'The topic every alarm notifies (confirm the e-mail subscription AWS sends)',
    });
  }
  const alarm = (id: string, description: string, props: Partial<CfnAlarmProps> & { metric?: Metric }) => {
    const { metric, ...rest } = props;
    const resource = new CfnAlarm(stack, id, {
      alarmDescription: description,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: 1,
      threshold: 1,
      treatMissingData: 'notBreaching',
      ...(metric && {
        namespace: metric.namespace,
        metricName: metric.name,
        dimensions: [{ name: metric.dimension, value: metric.value }],
        statistic: metric.stat,
        period: ALARM_PERIOD,
      }),
      ...(actions && { alarmActions: actions }),
      ...rest,
    });
    resource.overrideLogicalId(id);
    return resource;
  };
  const lambda = (fn: string, name: string): Metric => ({
    namespace: 'AWS/Lambda',
    name,
    dimension: 'FunctionName',
    value: fn,
    stat: 'Sum',
  });
  const functionAlarms = (prefix: string, label: string, fn: string) => [
    alarm(
      `${prefix}ErrorsAlarm`,
      `${label}: ${ERRORS_THRESHOLD} or more failed invocations (threw, timed out or ran out of memory) in 5 minutes. See the dashboard's 5xx request lines and the function's log group.`,
      { metric: lambda(fn, 'Errors'), threshold: ERRORS_THRESHOLD },
    ),
    alarm(
      `${prefix}ThrottlesAlarm`,
      `${label}: Lambda throttled invocations in the last 5 minutes (concurrency limit reached). Raise the account's or the function's concurrency.`,
      { metric: lambda(fn, 'Throttles') },
    ),
  ];
  const metricStat = (id: string, metric: Metric) => ({
    id,
    returnData: false,
    metricStat: {
      metric: {
        namespace: metric.namespace,
        metricName: metric.name,
        dimensions: [{ name: metric.dimension, value: metric.value }],
      },
      period: ALARM_PERIOD,
      stat: metric.stat,
    },
  });
  const table = (id: string, name: string) =>
    metricStat(id, {
      namespace: 'AWS/DynamoDB',
      name,
      dimension: 'TableName',
      value: targets.tableName,
      stat: 'Sum',
    });
  // The functions that answer HTTP requests: the streaming one, and the buffered one with the HTTP API.
  const invocations = [
    metricStat('invocations', lambda(targets.functionName, 'Invocations')),
    ...(targets.httpApi
      ? [metricStat('httpApiInvocations', lambda(targets.httpApi.functionName, 'Invocations'))]
      : []),
  ];

  const alarms = [
    ...functionAlarms('McpFunction', 'Streaming function (Function URL)', targets.functionName),
    alarm(
      'SessionTableThrottlesAlarm',
      'Session table: DynamoDB throttled reads or writes in the last 5 minutes; the server answers 503 to the requests they fail.',
      {
        metrics: [
          table('reads', 'ReadThrottleEvents'),
          table('writes', 'WriteThrottleEvents'),
          {
            id: 'throttles',
            expression: 'FILL(reads, 0) + FILL(writes, 0)',
            label: 'Read and write throttle events',
            returnData: true,
          },
        ],
      },
    ),
    alarm(
      'Server5xxRateAlarm',
      `Server: ${SERVER_5XX_RATE_THRESHOLD}% or more of the invocations in 5 minutes answered with a 5xx status (its EMF ServerErrors over Lambda Invocations, from ${SERVER_5XX_MIN_INVOCATIONS} invocations up). See the dashboard's 5xx request lines.`,
      {
        metrics: [
          metricStat('errors', {
            namespace: METRICS_NAMESPACE,
            name: 'ServerErrors',
            dimension: 'service',
            value: targets.serviceName,
            stat: 'Sum',
          }),
          ...invocations,
          {
            id: 'requests',
            expression: invocations.map((metric) => `FILL(${metric.id}, 0)`).join(' + '),
            label: 'Invocations of the functions that serve HTTP',
            returnData: false,
          },
          {
            id: 'rate',
            expression: `IF(requests >= ${SERVER_5XX_MIN_INVOCATIONS}, 100 * FILL(errors, 0) / requests, 0)`,
            label: 'Server 5xx answers (% of invocations)',
            returnData: true,
          },
        ],
        threshold: SERVER_5XX_RATE_THRESHOLD,
      },
    ),
  ];
  if (targets.httpApi) {
    const { apiId, functionName } = targets.httpApi;
    alarms.push(
      ...functionAlarms('McpHttpApiFunction', 'Buffered function (HTTP API)', functionName),
      alarm(
        'HttpApi5xxAlarm',
        `HTTP API: ${HTTP_5XX_THRESHOLD} or more 5xx responses in 5 minutes (the function failing, or a request over API Gateway's 30 s).`,
        {
          metric: { namespace: 'AWS/ApiGateway', name: '5xx', dimension: 'ApiId', value: apiId, stat: 'Sum' },
          threshold: HTTP_5XX_THRESHOLD,
        },
      ),
    );
  }
  if (targets.sns) {
    alarms.push(
      alarm(
        'McpTopicDeadLetterQueueAlarm',
        'Event dead-letter queue is not empty: events SNS could not deliver, or the function failed on after retries. Read them from the DeadLetterQueueUrl output.',
        {
          metric: {
            namespace: 'AWS/SQS',
            name: 'ApproximateNumberOfMessagesVisible',
            dimension: 'QueueName',
            value: targets.sns.queueName,
            stat: 'Maximum',
          },
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
        },
      ),
    );
  }
  return alarms;
}
