// The operator's CloudWatch dashboard of McpStack: the state of every alarm of the stack (lib/alarms.ts), the
// server's own EMF metrics (namespace LambdaMcp, as examples/aws-monitor/src/observability.ts emits them:
// Requests by Method and Era, Errors by Code, ServerErrors (its 5xx answers), ToolLatency by Tool, ColdStart
// by function_name, each also under the `service` dimension Powertools adds), Lambda invocations, errors,
// throttles, concurrency and duration of each function, the session table's consumed capacity and
// throttles, the HTTP API and the SNS topic with its dead-letter queue when they exist, and a Logs Insights
// table of the 5xx request lines. A plain CloudFormation resource (L1) with the body written out here, so
// that template.yaml can declare the same body; infra/test compares the two as JSON.
import { Aws, CfnOutput, type Stack } from 'aws-cdk-lib';
import { CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';

/** The CloudWatch namespace of the reference server's metrics (its default; the stack sets no other). */
export const METRICS_NAMESPACE = 'LambdaMcp';

/** The dashboard's logical id (template.yaml uses the same). */
export const DASHBOARD_ID = 'McpDashboard';

/** What the dashboard shows; names are CloudFormation tokens (a function's, the table's, the log group's). */
export interface DashboardTargets {
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of the EMF metrics. */
  serviceName: string;
  /** The streaming function's name. */
  functionName: string;
  /** The session table's name. */
  tableName: string;
  /** The log group both functions write to. */
  logGroupName: string;
  /** With the HTTP API: its id and the buffered function's name. */
  httpApi?: { apiId: string; functionName: string };
  /** With the SNS topic: the topic's and the dead-letter queue's names. */
  sns?: { topicName: string; queueName: string };
  /** The ARNs of the stack's alarms, in the order the alarm widget lists them. */
  alarmArns: string[];
}

/** One widget of a dashboard body (see "Dashboard body structure" in the CloudWatch API reference). */
type Widget = {
  type: 'alarm' | 'metric' | 'log' | 'text';
  width: number;
  height: number;
  properties: object;
};

/** One row of a widget's `metrics`: namespace, name, dimension name/value pairs, then rendering options. */
type MetricRow = (string | Record<string, string | number>)[];

/** The period of every graph, in seconds. */
const PERIOD = 300;

/**
 * The dashboard body: the widgets in order (CloudWatch places widgets without `x`/`y` one after the other,
 * left to right and top to bottom), those of the HTTP API and the topic only when they exist.
 *
 * @example
 * const body = dashboardBody({ serviceName: 'aws-monitor', functionName: fn.functionName, ... });
 * body.widgets.map((widget) => widget.type); // ['text', 'alarm', 'metric', ..., 'log']
 */
export function dashboardBody(targets: DashboardTargets): { widgets: Widget[] } {
  const region = Aws.REGION;
  const graph = (title: string, metrics: MetricRow[], width = 12): Widget => ({
    type: 'metric',
    width,
    height: 6,
    properties: { title, region, view: 'timeSeries', stacked: false, period: PERIOD, metrics },
  });
  // EMF metrics have a dimension value per method, code or tool: SEARCH finds every series there is.
  const search = (id: string, metric: string, dimension: string, stat: string): MetricRow => [
    {
      id,
      expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service} MetricName="${metric}" service="${targets.serviceName}"', '${stat}', ${PERIOD})`,
      period: PERIOD,
    },
  ];
  const lambdaMetric = (fn: string, name: string, stat: string, axis?: 'right'): MetricRow => [
    'AWS/Lambda',
    name,
    'FunctionName',
    fn,
    { stat, ...(axis && { yAxis: axis }) },
  ];
  const lambdaWidgets = (label: string, fn: string): Widget[] => [
    graph(`${label}: invocations, errors, throttles (sum), concurrency (max, right)`, [
      lambdaMetric(fn, 'Invocations', 'Sum'),
      lambdaMetric(fn, 'Errors', 'Sum'),
      lambdaMetric(fn, 'Throttles', 'Sum'),
      lambdaMetric(fn, 'ConcurrentExecutions', 'Maximum', 'right'),
    ]),
    graph(`${label}: duration (ms)`, [
      lambdaMetric(fn, 'Duration', 'p50'),
      lambdaMetric(fn, 'Duration', 'p99'),
      lambdaMetric(fn, 'Duration', 'Maximum'),
    ]),
  ];
  const table = (name: string, stat = 'Sum'): MetricRow => [
    'AWS/DynamoDB',
    name,
    'TableName',
    targets.tableName,
    { stat },
  ];

  const widgets: Widget[] = [
    {
      type: 'text',
      width: 24,
      height: 2,
      properties: {
        markdown: `## lambda-mcp: ${Aws.STACK_NAME}\nRequests, errors, server 5xx answers, tool latency and cold starts are the server's EMF metrics (namespace ${METRICS_NAMESPACE}, service ${targets.serviceName}: every stack of that service in this region); the rest are this stack's alarms, functions, table and log group.`,
      },
    },
    {
      type: 'alarm',
      width: 24,
      height: 3,
      properties: {
        title: 'Alarms (in alarm first)',
        alarms: targets.alarmArns,
        sortBy: 'stateUpdatedTimestamp',
      },
    },
    graph('MCP requests by method and era (sum)', [search('requests', 'Requests', 'Era,Method', 'Sum')], 8),
    graph(
      'MCP errors by code: JSON-RPC code or HTTP status (sum)',
      [search('errors', 'Errors', 'Code', 'Sum')],
      8,
    ),
    graph(
      "Server 5xx answers (sum; the 5xx-rate alarm's numerator)",
      [[METRICS_NAMESPACE, 'ServerErrors', 'service', targets.serviceName, { stat: 'Sum' }]],
      8,
    ),
    graph('Tool latency by tool (p99, ms)', [search('toolLatency', 'ToolLatency', 'Tool', 'p99')]),
    graph('Cold starts by function (sum)', [search('coldStarts', 'ColdStart', 'function_name', 'Sum')]),
    ...lambdaWidgets('Streaming function (Function URL)', targets.functionName),
    graph('Session table: consumed capacity units (sum)', [
      table('ConsumedReadCapacityUnits'),
      table('ConsumedWriteCapacityUnits'),
    ]),
    graph('Session table: throttles (sum)', [
      table('ReadThrottleEvents'),
      table('WriteThrottleEvents'),
      [
        {
          id: 'throttledRequests',
          expression: `SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="ThrottledRequests" TableName="${targets.tableName}"', 'Sum', ${PERIOD})`,
          period: PERIOD,
        },
      ],
    ]),
  ];
  if (targets.httpApi) {
    const { apiId, functionName } = targets.httpApi;
    const api = (name: string, stat: string, axis?: 'right'): MetricRow => [
      'AWS/ApiGateway',
      name,
      'ApiId',
      apiId,
      { stat, ...(axis && { yAxis: axis }) },
    ];
    widgets.push(
      ...lambdaWidgets('Buffered function (HTTP API)', functionName),
      graph(
        'HTTP API: requests, 4xx, 5xx (sum), latency (p99 ms, right)',
        [api('Count', 'Sum'), api('4xx', 'Sum'), api('5xx', 'Sum'), api('Latency', 'p99', 'right')],
        24,
      ),
    );
  }
  if (targets.sns) {
    const { topicName, queueName } = targets.sns;
    const topic = (name: string): MetricRow => ['AWS/SNS', name, 'TopicName', topicName, { stat: 'Sum' }];
    const queue = (name: string, stat: string, axis?: 'right'): MetricRow => [
      'AWS/SQS',
      name,
      'QueueName',
      queueName,
      { stat, ...(axis && { yAxis: axis }) },
    ];
    widgets.push(
      graph('Event topic: published, delivered, failed, sent to the dead-letter queue (sum)', [
        topic('NumberOfMessagesPublished'),
        topic('NumberOfNotificationsDelivered'),
        topic('NumberOfNotificationsFailed'),
        topic('NumberOfNotificationsRedrivenToDlq'),
      ]),
      graph('Dead-letter queue: depth (max), oldest message (max s, right)', [
        queue('ApproximateNumberOfMessagesVisible', 'Maximum'),
        queue('ApproximateAgeOfOldestMessage', 'Maximum', 'right'),
      ]),
    );
  }
  widgets.push({
    type: 'log',
    width: 24,
    height: 6,
    properties: {
      title: '5xx request lines (newest first)',
      region,
      view: 'table',
      query: `SOURCE '${targets.logGroupName}' | fields @timestamp, rpcMethod, toolName, status, errorCode, durationMs, era, lambdaRequestId, sessionRef | filter message = 'request' and status >= 500 | sort @timestamp desc | limit 100`,
    },
  });
  return { widgets };
}

/**
 * Adds the dashboard (named by CloudFormation) and its `DashboardUrl` output to `stack`.
 *
 * @example
 * const alarms = addAlarms(this, targets);
 * addDashboard(this, { ...targets, alarmArns: alarms.map((alarm) => alarm.attrArn) });
 */
export function addDashboard(stack: Stack, targets: DashboardTargets): CfnDashboard {
  const dashboard = new CfnDashboard(stack, DASHBOARD_ID, {
    dashboardBody: stack.toJsonString(dashboardBody(targets)),
  });
  dashboard.overrideLogicalId(DASHBOARD_ID);
  new CfnOutput(stack, 'DashboardUrl', {
    value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboard.ref}`,
    description: "The operator's CloudWatch dashboard (requests, errors, functions, table, 5xx lines)",
  });
  return dashboard;
}
