// What the CDK stack (stack.test.ts) and template.yaml (sam-template.test.ts) must both say: the table as
// `createTableInput` defines it, logical ids, handlers, runtime, environment, exact IAM statements, the SNS
// topic with its subscription, its dead-letter queue and the function's on-failure destination on that queue;
// plus offline synthesis and a rendering that makes values
// written with different intrinsics (Fn::Join, Fn::Sub, !GetAtt) comparable.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTableInput, TABLE } from 'lambda-mcp/dynamodb';
import { expect } from 'vitest';
import { McpStack, type McpStackProps } from '../lib/mcp-stack.js';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResourceJson>;
  Outputs?: Record<string, { Value: unknown; Condition?: string; Description?: string }>;
}

/** One resource of a {@link CfnTemplate}. */
export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

/** An IAM policy statement as CloudFormation holds it. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The functions' runtime settings. */
export const FUNCTION = { runtime: 'nodejs24.x', architecture: 'arm64' };

/**
 * The logical ids both templates use. `function` runs the streaming entry behind the Function URL and is the
 * topic's subscriber; `httpApiFunction` runs the buffered entry for the HTTP API, with the same code, role
 * (`role`) and environment.
 */
export const IDS = {
  function: 'McpFunction',
  role: 'McpFunctionRole',
  logGroup: 'McpLogGroup',
  functionUrl: 'McpFunctionUrl',
  httpApiFunction: 'McpHttpApiFunction',
  topic: 'McpTopic',
  subscription: 'McpTopicSubscription',
  topicPermission: 'McpTopicInvokePermission',
  deadLetterQueue: 'McpTopicDeadLetterQueue',
  deadLetterQueuePolicy: 'McpTopicDeadLetterQueuePolicy',
  eventInvokeConfig: 'McpFunctionEventInvokeConfig',
} as const;

/**
 * The bundle's entry points: `streamingHandler` (wrapped in `awslambda.streamifyResponse`) for the
 * RESPONSE_STREAM Function URL, `handler` (buffered) for the HTTP API, whose integration cannot take a
 * streaming prelude.
 */
export const HANDLERS = { streaming: 'index.streamingHandler', buffered: 'index.handler' };

/** The DynamoDB data actions lambda-mcp's stores call, sorted. */
export const TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

/** The read-only calls of the monitor tool (examples/aws-monitor/src/monitor/services), sorted. */
export const MONITOR_ACTIONS = [
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

/** The server's defaults, read from the file the server itself reads. */
const serverConfig = JSON.parse(
  readFileSync(new URL('../../examples/aws-monitor/data/mcp_config.json', import.meta.url), 'utf8'),
) as {
  server: { name: string };
  sessionIdleSeconds: number;
  enableCompression: boolean;
  maxResponseSizeMb: number | null;
  logLevel: string;
  adminTools: boolean;
};

/** The function environment with default settings; table and key are references, as {@link render} writes them. */
export const ENVIRONMENT: Record<string, string> = {
  STORE: 'dynamodb',
  SESSION_TABLE_NAME: '{{SessionTable}}',
  MCP_REQUEST_STATE_KEY: '{{RequestStateKey}}',
  SESSION_IDLE_SECONDS: String(serverConfig.sessionIdleSeconds),
  ENABLE_COMPRESSION: String(serverConfig.enableCompression),
  // Unset when the file says null: each entry then takes its own limit.
  ...(serverConfig.maxResponseSizeMb !== null && {
    MAX_RESPONSE_SIZE_MB: String(serverConfig.maxResponseSizeMb),
  }),
  LOG_LEVEL: serverConfig.logLevel,
  ADMIN_TOOLS: String(serverConfig.adminTools),
  POWERTOOLS_SERVICE_NAME: serverConfig.server.name,
  NODE_OPTIONS: '--enable-source-maps',
};

/** The function environment with the SNS topic on. */
export const SNS_ENVIRONMENT: Record<string, string> = { ...ENVIRONMENT, SNS_TOPIC_ARN: `{{${IDS.topic}}}` };

/** The memory, timeout and key parameters, as both templates declare them. */
export const PARAMETERS = {
  MemorySize: { Type: 'Number', Default: 1024, MinValue: 128, MaxValue: 10240 },
  Timeout: { Type: 'Number', Default: 30, MinValue: 1, MaxValue: 900 },
  RequestStateKey: { Type: 'String', NoEcho: true, MinLength: 64 },
};

/** Synthesizes an {@link McpStack} offline, with a stand-in bundle so no build is needed. */
export function synthesize(props: McpStackProps = {}): CfnTemplate {
  return Template.fromStack(synthesizeStack(props)).toJSON() as CfnTemplate;
}

/** The context `cdk synth` reads from infra/cdk.json (feature flags), so tests synthesize the same way. */
const cdkContext = (
  JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  }
).context;

/** The stack behind {@link synthesize}, for `Template.fromStack` and its matchers. */
export function synthesizeStack(props: McpStackProps = {}): McpStack {
  const root = workDir();
  const app = new App({
    outdir: mkdtempSync(join(root, 'cdk.out-')),
    ...(cdkContext && { context: cdkContext }),
  });
  return new McpStack(app, 'LambdaMcp', { codePath: join(root, 'bundle'), ...props });
}

let work: string | undefined;

/** A temporary folder for the cloud assemblies, with bundle/index.mjs standing in for the Lambda bundle. */
function workDir(): string {
  if (!work) {
    work = mkdtempSync(join(tmpdir(), 'lambda-mcp-infra-'));
    mkdirSync(join(work, 'bundle'));
    writeFileSync(
      join(work, 'bundle', 'index.mjs'),
      'export const handler = async () => ({ statusCode: 204 });\n',
    );
  }
  return work;
}

/** Removes what the synthesized stacks wrote (call after the tests). */
export function removeSynthesized(): void {
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
}

/**
 * Writes intrinsic functions as one string form, so values that mean the same compare equal: `{Ref: X}` is
 * `{{X}}`, `{Fn::GetAtt: [X, Arn]}` is `{{X.Arn}}`, and `Fn::Join` and `Fn::Sub` become the joined string
 * with references in that form. Other values are kept, objects and arrays rendered member by member.
 */
export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first) {
    const [key, arg] = first;
    if (key === 'Ref' && typeof arg === 'string') return `{{${arg}}}`;
    if (key === 'Fn::GetAtt') return `{{${(Array.isArray(arg) ? arg : String(arg).split('.')).join('.')}}}`;
    if (key === 'Fn::Sub' && typeof arg === 'string') return arg.replace(/\$\{([^!}][^}]*)\}/g, '{{$1}}');
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map((part) => String(render(part))).join(String(arg[0]));
    }
  }
  return Object.fromEntries(entries.map(([key, member]) => [key, render(member)]));
}

/** A function's environment variables, rendered. */
export function variablesOf(resource: CfnResourceJson | undefined): unknown {
  const environment = resource?.Properties?.Environment as { Variables?: unknown } | undefined;
  return render(environment?.Variables);
}

/** The statements of every AWS::IAM::Policy in `template`. */
export function policyStatements(template: CfnTemplate): Statement[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .flatMap((policy) => {
      const document = policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined;
      return document?.Statement ?? [];
    });
}

/** The one resource of `type` (fails unless there is exactly one), with its logical id. */
export function only(template: CfnTemplate, type: string): [string, CfnResourceJson] {
  const found = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  expect(
    found.map(([id]) => id),
    `resources of type ${type}`,
  ).toHaveLength(1);
  return found[0] as [string, CfnResourceJson];
}

/** Asserts the table: keys, attributes, index and billing exactly as `createTableInput`, TTL, PITR. */
export function expectTable(resource: CfnResourceJson): void {
  const { TableName: _name, ...input } = createTableInput('any');
  const props = resource.Properties ?? {};
  expect(props.KeySchema).toEqual(input.KeySchema);
  expect(props.AttributeDefinitions).toEqual(input.AttributeDefinitions);
  expect(props.GlobalSecondaryIndexes).toEqual(input.GlobalSecondaryIndexes);
  expect(props.BillingMode).toBe(input.BillingMode);
  expect(props.ProvisionedThroughput).toBeUndefined();
  expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  expect(resource.DeletionPolicy).toBe('Retain');
  expect(resource.UpdateReplacePolicy).toBe('Retain');
}

/**
 * Asserts the role's own statements, exactly: the table and its index with the stores' data actions (global
 * events live in the same table, so nothing more), the monitor's reads on `*`, and with the topic (`sns`)
 * `sns:Publish` on that topic alone and `sqs:SendMessage` on the dead-letter queue alone (Lambda sends the
 * function's failed asynchronous invocations there with this role). X-Ray statements come with active
 * tracing and are checked apart.
 */
export function expectStatements(statements: Statement[], { sns = false } = {}): void {
  expect(statements.map((statement) => render(statement))).toEqual([
    { Sid: 'SessionTable', Effect: 'Allow', Action: TABLE_ACTIONS, Resource: tableResources() },
    { Sid: 'MonitorReadOnly', Effect: 'Allow', Action: MONITOR_ACTIONS, Resource: '*' },
    ...(sns
      ? [
          { Sid: 'Notifications', Effect: 'Allow', Action: 'sns:Publish', Resource: `{{${IDS.topic}}}` },
          {
            Sid: 'FailedEvents',
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: `{{${IDS.deadLetterQueue}.Arn}}`,
          },
        ]
      : []),
  ]);
  expectNoWildcardActions(statements);
}

/** The resource types of the SNS option, each once. */
export const SNS_RESOURCE_TYPES = [
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
];

/**
 * Asserts the SNS option's resources, rendered, exactly: the topic; the streaming function subscribed to it
 * with the dead-letter queue as its RedrivePolicy; SSE-SQS on that queue, kept 14 days; a queue policy letting
 * only `sns.amazonaws.com` from this topic send (the role's `sqs:SendMessage` is an identity policy, enough
 * in the same account); `lambda:InvokeFunction` for SNS from this topic only; and the streaming function's
 * asynchronous invocations ($LATEST, which SNS invokes) sending their failures to the same queue, with
 * Lambda's default retries and event age.
 */
export function expectSnsResources(template: CfnTemplate): void {
  const resource = (id: string) => {
    const found = template.Resources[id];
    expect(found, id).toBeDefined();
    const { Type, Properties, DeletionPolicy, UpdateReplacePolicy } = found as CfnResourceJson;
    return render({ Type, Properties, DeletionPolicy, UpdateReplacePolicy });
  };
  const topic = `{{${IDS.topic}}}`;
  const queueArn = `{{${IDS.deadLetterQueue}.Arn}}`;
  expect(resource(IDS.topic)).toEqual({ Type: 'AWS::SNS::Topic' });
  expect(resource(IDS.subscription)).toEqual({
    Type: 'AWS::SNS::Subscription',
    Properties: {
      Protocol: 'lambda',
      Endpoint: `{{${IDS.function}.Arn}}`,
      TopicArn: topic,
      RedrivePolicy: { deadLetterTargetArn: queueArn },
    },
  });
  expect(resource(IDS.deadLetterQueue)).toEqual({
    Type: 'AWS::SQS::Queue',
    Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
  });
  expect(resource(IDS.deadLetterQueuePolicy)).toEqual({
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [`{{${IDS.deadLetterQueue}}}`],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': topic } },
          },
        ],
      },
    },
  });
  expect(resource(IDS.eventInvokeConfig)).toEqual({
    Type: 'AWS::Lambda::EventInvokeConfig',
    Properties: {
      FunctionName: `{{${IDS.function}}}`,
      Qualifier: '$LATEST',
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    },
  });
  expect(resource(IDS.topicPermission)).toEqual({
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: `{{${IDS.function}.Arn}}`,
      Principal: 'sns.amazonaws.com',
      SourceArn: topic,
    },
  });
}

/** The table ARN and its indexes, rendered. */
export function tableResources(): string[] {
  return ['{{SessionTable.Arn}}', '{{SessionTable.Arn}}/index/*'];
}

/** Asserts that no action is a wildcard (`*`, `dynamodb:*`, `dynamodb:Get*`). */
export function expectNoWildcardActions(statements: Statement[]): void {
  for (const statement of statements) {
    for (const action of actionsOf(statement)) expect(action, `action of ${statement.Sid}`).not.toMatch(/\*/);
  }
}

/** A statement's actions as a list. */
export function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}
