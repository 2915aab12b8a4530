// What the operator's dashboard must show in both templates (stack.test.ts, sam-template.test.ts): the state
// of every alarm of the template (an alarm widget, first after the title), the server's EMF metrics by the
// dimensions examples/aws-monitor/src/observability.ts emits (ServerErrors beside Errors), each function's
// Lambda metrics, the table's capacity and throttles, the HTTP API's and the topic's widgets only when they
// exist, the Logs Insights query of the 5xx request lines, and the DashboardUrl output. Written out here, not
// taken from infra/lib/dashboard.ts, so that a change there has to be made on purpose.
import { expect } from 'vitest';
import { type CfnTemplate, IDS, only, render } from './expectations.js';

/** The `DashboardUrl` output, rendered: the console page of the dashboard CloudFormation named. */
export const DASHBOARD_URL =
  'https://{{AWS::Region}}.console.aws.amazon.com/cloudwatch/home?region={{AWS::Region}}#dashboards/dashboard/{{McpDashboard}}';

/** The logical id of the operator's dashboard in both templates. */
export const DASHBOARD_ID = 'McpDashboard';

/** What the operator's dashboard shows, each metric written `Namespace Name Dimension=value stat`. */
export interface DashboardContents {
  /** The SEARCH expressions (the EMF metrics, whose dimension values are not known in advance). */
  searches: string[];
  /** The metrics named outright. */
  metrics: string[];
  /** The Logs Insights queries. */
  queries: string[];
  /** The regions the widgets read from. */
  regions: string[];
  /** The alarm widgets' alarms, one list per widget, as ARN references (`{{Id.Arn}}`). */
  alarms: string[][];
  /** Every widget's type, width and height, in order (`metric 12x6`). */
  layout: string[];
}

/** The dashboard of `template` (its one AWS::CloudWatch::Dashboard, by id), its body parsed. */
export function dashboardContents(template: CfnTemplate): DashboardContents {
  const [id, resource] = only(template, 'AWS::CloudWatch::Dashboard');
  expect(id).toBe(DASHBOARD_ID);
  const body = render(resource.Properties) as { DashboardBody: { widgets: Record<string, unknown>[] } };
  const contents: DashboardContents = {
    searches: [],
    metrics: [],
    queries: [],
    regions: [],
    alarms: [],
    layout: [],
  };
  for (const widget of body.DashboardBody.widgets) {
    const properties = widget.properties as {
      metrics?: unknown[][];
      query?: string;
      region?: string;
      alarms?: string[];
    };
    contents.layout.push(`${widget.type} ${widget.width}x${widget.height}`);
    if (properties.alarms) contents.alarms.push(properties.alarms);
    if (properties.region) contents.regions.push(properties.region);
    if (properties.query) contents.queries.push(properties.query);
    for (const row of properties.metrics ?? []) {
      const [first] = row;
      if (typeof first === 'object' && first && 'expression' in first) {
        contents.searches.push(String(first.expression));
        continue;
      }
      const options = row.at(-1) as { stat: string };
      const [namespace, name, dimension, value] = row as string[];
      contents.metrics.push(`${namespace} ${name} ${dimension}=${value} ${options.stat}`);
    }
  }
  return contents;
}

/** The SEARCH of one of the server's EMF metrics, as observability.ts emits it (service `aws-monitor`). */
const emfSearch = (metric: string, dimensions: string, stat: string) =>
  `SEARCH('{LambdaMcp,${dimensions},service} MetricName="${metric}" service="aws-monitor"', '${stat}', 300)`;

/** The Lambda metrics of the dashboard for one function. */
const lambdaMetrics = (fn: string) =>
  [
    'Invocations Sum',
    'Errors Sum',
    'Throttles Sum',
    'ConcurrentExecutions Maximum',
    'Duration p50',
    'Duration p99',
    'Duration Maximum',
  ].map((metric) => {
    const [name, stat] = metric.split(' ');
    return `AWS/Lambda ${name} FunctionName={{${fn}}} ${stat}`;
  });

/**
 * Checks the operator's dashboard: the alarm widget with every alarm, the EMF metrics (Requests by Method and
 * Era, Errors by Code, ServerErrors by service, ToolLatency by Tool, ColdStart by function name), Lambda
 * duration, errors, throttles and concurrency of each function, the table's consumed capacity and throttles,
 * the HTTP API's requests with `httpApi`, the topic and its dead-letter queue with `sns`, and the Logs
 * Insights query of the 5xx request lines, in the stack's region.
 */
export function expectDashboard(template: CfnTemplate, { httpApi = false, sns = false } = {}): void {
  const contents = dashboardContents(template);
  // One alarm widget listing every alarm of the template, in the order they are declared.
  const alarmIds = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
    .map(([id]) => id);
  expect(alarmIds).toContain('Server5xxRateAlarm');
  expect(contents.alarms).toEqual([alarmIds.map((id) => `{{${id}.Arn}}`)]);
  expect(contents.layout.slice(0, 5)).toEqual([
    'text 24x2',
    'alarm 24x3',
    'metric 8x6',
    'metric 8x6',
    'metric 8x6',
  ]);
  expect(contents.searches).toEqual([
    emfSearch('Requests', 'Era,Method', 'Sum'),
    emfSearch('Errors', 'Code', 'Sum'),
    emfSearch('ToolLatency', 'Tool', 'p99'),
    emfSearch('ColdStart', 'function_name', 'Sum'),
    `SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="ThrottledRequests" TableName="{{SessionTable}}"', 'Sum', 300)`,
  ]);
  const table = (name: string) => `AWS/DynamoDB ${name} TableName={{SessionTable}} Sum`;
  expect(contents.metrics).toEqual([
    'LambdaMcp ServerErrors service=aws-monitor Sum',
    ...lambdaMetrics(IDS.function),
    table('ConsumedReadCapacityUnits'),
    table('ConsumedWriteCapacityUnits'),
    table('ReadThrottleEvents'),
    table('WriteThrottleEvents'),
    ...(httpApi
      ? [
          ...lambdaMetrics(IDS.httpApiFunction),
          ...['Count Sum', '4xx Sum', '5xx Sum', 'Latency p99'].map((metric) => {
            const [name, stat] = metric.split(' ');
            return `AWS/ApiGateway ${name} ApiId={{HttpApi}} ${stat}`;
          }),
        ]
      : []),
    ...(sns
      ? [
          ...[
            'NumberOfMessagesPublished',
            'NumberOfNotificationsDelivered',
            'NumberOfNotificationsFailed',
            'NumberOfNotificationsRedrivenToDlq',
          ].map((name) => `AWS/SNS ${name} TopicName={{${IDS.topic}.TopicName}} Sum`),
          `AWS/SQS ApproximateNumberOfMessagesVisible QueueName={{${IDS.deadLetterQueue}.QueueName}} Maximum`,
          `AWS/SQS ApproximateAgeOfOldestMessage QueueName={{${IDS.deadLetterQueue}.QueueName}} Maximum`,
        ]
      : []),
  ]);
  expect(contents.queries).toHaveLength(1);
  expect(contents.queries[0]).toMatch(new RegExp(`^SOURCE '\\{\\{${IDS.logGroup}\\}\\}' \\| `));
  expect(contents.queries[0]).toContain("| filter message = 'request' and status >= 500 |");
  expect(new Set(contents.regions)).toEqual(new Set(['{{AWS::Region}}']));
}
