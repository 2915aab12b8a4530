// What the operator's alarms must be in both templates (stack.test.ts, sam-template.test.ts): errors and
// throttles of each function, the session table's read and write throttles summed, the server's 5xx rate (its
// EMF ServerErrors over the Invocations of every function that serves HTTP, from 20 invocations up, 5%), the
// HTTP API's 5xx with httpApi, a non-empty dead-letter queue with sns, each over 5 minutes with missing data
// not breaching, and with an alarm e-mail the topic (an e-mail subscription) every alarm notifies plus its
// AlarmTopicArn output. Written out here, not taken from infra/lib/alarms.ts, so that a change there has to
// be made on purpose.
import { expect } from 'vitest';
import { type CfnTemplate, IDS, render } from './expectations.js';

/** The e-mail address the tests give (`alarmEmail`, template.yaml's `AlarmEmail`). */
export const ALARM_EMAIL = 'ops@example.com';

/** One alarm, rendered: `Namespace Name Dimension=value stat <op> threshold`, or its metric math. */
function summary(properties: Record<string, unknown>): string {
  const op = properties.ComparisonOperator === 'GreaterThanThreshold' ? '>' : '>=';
  const tail = `${op} ${properties.Threshold} per ${properties.EvaluationPeriods}`;
  if (properties.Metrics) {
    const metrics = properties.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData: boolean;
      MetricStat?: {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
        Period: number;
        Stat: string;
      };
    }[];
    const parts = metrics.map((m) => {
      if (m.Expression) return `${m.Id}=${m.Expression}${m.ReturnData ? ' (returned)' : ''}`;
      const stat = m.MetricStat as NonNullable<typeof m.MetricStat>;
      const [dimension] = stat.Metric.Dimensions;
      return `${m.Id}=${stat.Metric.Namespace} ${stat.Metric.MetricName} ${dimension?.Name}=${dimension?.Value} ${stat.Stat}/${stat.Period}`;
    });
    return `${parts.join('; ')} ${tail}`;
  }
  const dimensions = properties.Dimensions as { Name: string; Value: string }[];
  expect(dimensions).toHaveLength(1);
  const [dimension] = dimensions;
  return `${properties.Namespace} ${properties.MetricName} ${dimension?.Name}=${dimension?.Value} ${properties.Statistic}/${properties.Period} ${tail}`;
}

/** The alarms of `template`, by logical id, rendered (`{{Id}}` for references). */
export function alarmsOf(template: CfnTemplate): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map(([id, resource]) => [id, render(resource.Properties) as Record<string, unknown>]),
  );
}

/**
 * Checks the alarms of `template`: exactly the expected ones (metric, dimension, statistic, period,
 * comparison, threshold), each described and not breaching on missing data, notifying the alarm topic
 * (an e-mail subscription to {@link ALARM_EMAIL}, output AlarmTopicArn) with `alarmEmail` and nothing without.
 */
export function expectAlarms(
  template: CfnTemplate,
  { httpApi = false, sns = false, alarmEmail = false } = {},
): void {
  const alarms = alarmsOf(template);
  const lambda = (fn: string, metric: string, threshold: number) =>
    `AWS/Lambda ${metric} FunctionName={{${fn}}} Sum/300 >= ${threshold} per 1`;
  const table = (id: string, metric: string) =>
    `${id}=AWS/DynamoDB ${metric} TableName={{SessionTable}} Sum/300`;
  expect(
    Object.fromEntries(Object.entries(alarms).map(([id, properties]) => [id, summary(properties)])),
  ).toEqual({
    McpFunctionErrorsAlarm: lambda(IDS.function, 'Errors', 5),
    McpFunctionThrottlesAlarm: lambda(IDS.function, 'Throttles', 1),
    SessionTableThrottlesAlarm: `${table('reads', 'ReadThrottleEvents')}; ${table('writes', 'WriteThrottleEvents')}; throttles=FILL(reads, 0) + FILL(writes, 0) (returned) >= 1 per 1`,
    Server5xxRateAlarm: [
      'errors=LambdaMcp ServerErrors service=aws-monitor Sum/300',
      `invocations=AWS/Lambda Invocations FunctionName={{${IDS.function}}} Sum/300`,
      ...(httpApi
        ? [
            `httpApiInvocations=AWS/Lambda Invocations FunctionName={{${IDS.httpApiFunction}}} Sum/300`,
            'requests=FILL(invocations, 0) + FILL(httpApiInvocations, 0)',
          ]
        : ['requests=FILL(invocations, 0)']),
      'rate=IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0) (returned) >= 5 per 1',
    ].join('; '),
    ...(httpApi && {
      McpHttpApiFunctionErrorsAlarm: lambda(IDS.httpApiFunction, 'Errors', 5),
      McpHttpApiFunctionThrottlesAlarm: lambda(IDS.httpApiFunction, 'Throttles', 1),
      HttpApi5xxAlarm: 'AWS/ApiGateway 5xx ApiId={{HttpApi}} Sum/300 >= 5 per 1',
    }),
    ...(sns && {
      McpTopicDeadLetterQueueAlarm: `AWS/SQS ApproximateNumberOfMessagesVisible QueueName={{${IDS.deadLetterQueue}.QueueName}} Maximum/300 > 0 per 1`,
    }),
  });
  for (const [id, properties] of Object.entries(alarms)) {
    expect(properties.TreatMissingData, id).toBe('notBreaching');
    expect(String(properties.AlarmDescription).length, id).toBeGreaterThan(40);
    expect(properties.AlarmActions, id).toEqual(alarmEmail ? ['{{McpAlarmTopic}}'] : undefined);
  }
  const topics = Object.entries(template.Resources).filter(([id]) => id === 'McpAlarmTopic');
  if (alarmEmail) {
    expect(topics.map(([, topic]) => [topic.Type, render(topic.Properties)])).toEqual([
      ['AWS::SNS::Topic', { Subscription: [{ Endpoint: ALARM_EMAIL, Protocol: 'email' }] }],
    ]);
    expect(render(template.Outputs?.AlarmTopicArn?.Value)).toBe('{{McpAlarmTopic}}');
  } else {
    expect(topics).toEqual([]);
    expect(template.Outputs?.AlarmTopicArn).toBeUndefined();
  }
}
