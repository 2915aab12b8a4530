// What the CDK stack (stack.test.ts) and template.yaml (sam-template.test.ts) must both say: the table as
// `createTableInput` defines it, logical ids, handlers, runtime, environment (auth and task runner included),
// exact IAM statements (the buffered function's self-invocation on its own ARN), the Cognito user pool of the
// default auth mode, the SNS topic with its subscription, its dead-letter queue and the function's on-failure
// destination on that queue; the mapping of the CDK auth settings to template.yaml's parameters; plus offline
// synthesis and a rendering that makes values written with different intrinsics (Fn::Join, Fn::Sub, !GetAtt)
// comparable (a dashboard body compared as the JSON it means; the dashboard itself: dashboard.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTableInput, TABLE } from 'lambda-mcp/dynamodb';
import { expect } from 'vitest';
import type { AuthProps } from '../lib/auth.js';
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
  userPool: 'McpUserPool',
  userPoolDomain: 'McpUserPoolDomain',
  resourceServer: 'McpResourceServer',
  agentClient: 'McpAgentClient',
  publicClient: 'McpPublicClient',
  requestStateKey: 'McpRequestStateKey',
} as const;

/**
 * The CDK auth settings (context keys and {@link AuthProps}) and the template.yaml parameters that mean the
 * same: `-c auth=iam` is `Auth=iam`, and so on.
 */
export const AUTH_PARAMETERS = {
  auth: 'Auth',
  authIssuer: 'AuthIssuer',
  authAudience: 'AuthAudience',
  authCallbackUrls: 'AuthCallbackUrls',
} as const satisfies Record<keyof AuthProps, string>;

/** The template.yaml parameter values for CDK auth settings (lists comma-joined, as CloudFormation takes them). */
export function authParameters(props: AuthProps): Record<string, string> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([key]) => key in AUTH_PARAMETERS)
      .map(([key, value]) => [
        AUTH_PARAMETERS[key as keyof AuthProps],
        Array.isArray(value) ? value.join(',') : String(value),
      ]),
  );
}

/** The Cognito resource types of the default auth mode, each once but the two app clients. */
export const COGNITO_RESOURCE_TYPES = [
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolDomain',
  'AWS::Cognito::UserPoolResourceServer',
];

/** The scopes as Cognito writes them in tokens (`<resource server>/<scope>`). */
export const SCOPES = { tools: 'lambda-mcp/mcp:tools', admin: 'lambda-mcp/mcp:admin' };

/** The stack's UUID, rendered: the last part of AWS::StackId. */
const STACK_UUID = "{{AWS::StackId.split('/')[2]}}";

/** The buffered function's fixed name, rendered (unique per stack; its ARN is known before it exists). */
export const BUFFERED_FUNCTION_NAME = `lambda-mcp-buffered-${STACK_UUID}`;

/** The buffered function's own ARN, rendered: the only resource of its SelfInvoke statement. */
export const BUFFERED_FUNCTION_ARN = `arn:{{AWS::Partition}}:lambda:{{AWS::Region}}:{{AWS::AccountId}}:function:${BUFFERED_FUNCTION_NAME}`;

/** The Cognito user pool's issuer, rendered: `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
export const COGNITO_ISSUER = `https://cognito-idp.{{AWS::Region}}.{{AWS::URLSuffix}}/{{${IDS.userPool}}}`;

/**
 * The auth variables of each mode: with the stack's user pool, `AUTH_ISSUER` is its issuer and, since Cognito
 * access tokens carry no `aud` (only `client_id` and `scope`), `AUTH_CLIENT_IDS` names the two app clients;
 * the scopes carry the resource server's prefix. `AUTH_AUDIENCE` only when given. None with iam or none.
 */
export function authEnvironment(props: AuthProps = {}): Record<string, string> {
  const mode = props.auth ?? 'cognito';
  if (mode !== 'cognito') return {};
  const audience: Record<string, string> = props.authAudience ? { AUTH_AUDIENCE: props.authAudience } : {};
  if (props.authIssuer) return { AUTH_ISSUER: props.authIssuer, ...audience };
  return {
    AUTH_ISSUER: COGNITO_ISSUER,
    // Cognito's key set, named so no discovery runs at a cold start.
    AUTH_JWKS_URL: `${COGNITO_ISSUER}/.well-known/jwks.json`,
    ...audience,
    AUTH_CLIENT_IDS: `{{${IDS.agentClient}}},{{${IDS.publicClient}}}`,
    AUTH_REQUIRED_SCOPES: SCOPES.tools,
    AUTH_ADMIN_SCOPE: SCOPES.admin,
  };
}

/** `TASK_RUNNER` of each entry: the buffered one invokes itself asynchronously. */
export const TASK_RUNNERS = { streaming: 'in-process', buffered: 'lambda-async' };

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

/**
 * `MCP_REQUEST_STATE_KEY` as both templates set it, rendered: a dynamic reference to the key's secret, which
 * CloudFormation resolves when it deploys (never a parameter, never the value itself).
 */
export const REQUEST_STATE_KEY_REFERENCE = `{{resolve:secretsmanager:{{${IDS.requestStateKey}}}:SecretString:::}}`;

/** The server settings every function gets, whatever the auth mode; table and key rendered as references. */
export const SERVER_ENVIRONMENT: Record<string, string> = {
  STORE: 'dynamodb',
  SESSION_TABLE_NAME: '{{SessionTable}}',
  MCP_REQUEST_STATE_KEY: REQUEST_STATE_KEY_REFERENCE,
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

/**
 * A function's whole environment: the server settings, `SNS_TOPIC_ARN` with the topic, the auth variables of
 * the mode, and the entry's `TASK_RUNNER` (never `TASK_HEARTBEAT_SECONDS`: the server's default applies).
 */
export function environment(
  options: AuthProps & { sns?: boolean; entry?: keyof typeof TASK_RUNNERS } = {},
): Record<string, string> {
  return {
    ...SERVER_ENVIRONMENT,
    ...(options.sns && { SNS_TOPIC_ARN: `{{${IDS.topic}}}` }),
    ...authEnvironment(options),
    TASK_RUNNER: TASK_RUNNERS[options.entry ?? 'streaming'],
  };
}

/** The streaming function's environment with default settings (auth=cognito). */
export const ENVIRONMENT: Record<string, string> = environment();

/** The streaming function's environment with the SNS topic on. */
export const SNS_ENVIRONMENT: Record<string, string> = environment({ sns: true });

/** The memory and timeout parameters, as both templates declare them (the key is a secret, not a parameter). */
export const PARAMETERS = {
  MemorySize: { Type: 'Number', Default: 1024, MinValue: 128, MaxValue: 10240 },
  Timeout: { Type: 'Number', Default: 30, MinValue: 1, MaxValue: 900 },
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
 * `{{X}}`, `{Fn::GetAtt: [X, Arn]}` is `{{X.Arn}}`, `Fn::Join` and `Fn::Sub` (with or without a variable map)
 * become the joined string with references in that form, and `Fn::Select` of `Fn::Split` of a reference X is
 * `{{X.split('<delimiter>')[<index>]}}`. Other values are kept, objects and arrays rendered member by member.
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
    if (key === 'Fn::Sub' && Array.isArray(arg) && typeof arg[0] === 'string') {
      // The variable map's values rendered in place; other names stay references.
      const variables = (arg[1] ?? {}) as Record<string, unknown>;
      return arg[0].replace(/\$\{([^!}][^}]*)\}/g, (_match, name: string) =>
        name in variables ? String(render(variables[name])) : `{{${name}}}`,
      );
    }
    if (key === 'Fn::Select' && Array.isArray(arg)) {
      // Fn::Select of Fn::Split (the stack UUID from AWS::StackId) as {{AWS::StackId.split('/')[2]}}.
      const [index, list] = arg as [unknown, unknown];
      const split = (list as { 'Fn::Split'?: [string, unknown] } | null)?.['Fn::Split'];
      if (split) return `{{${String(render(split[1])).slice(2, -2)}.split('${split[0]}')[${index}]}}`;
    }
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map((part) => String(render(part))).join(String(arg[0]));
    }
  }
  return Object.fromEntries(
    entries.map(([key, member]) => [key, key === 'DashboardBody' ? dashboardJson(member) : render(member)]),
  );
}

/**
 * A dashboard body (a JSON string built with intrinsics) rendered and parsed: CDK writes it compact in one
 * `Fn::Join`, template.yaml readable in `Fn::Sub` blocks, so the two compare as the JSON they mean.
 */
function dashboardJson(body: unknown): unknown {
  const text = render(body);
  return typeof text === 'string' ? JSON.parse(text) : text;
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
 * Asserts the key's secret, as both templates declare it: generated by Secrets Manager (64 letters and
 * digits, the settings infra/lib/request-state-key.ts explains), retained on delete and replacement, with
 * its ARN as the `RequestStateKeySecretArn` output; and no `RequestStateKey` parameter.
 */
export function expectRequestStateKey(template: CfnTemplate): void {
  const resource = template.Resources[IDS.requestStateKey];
  expect(resource?.Type).toBe('AWS::SecretsManager::Secret');
  expect(resource?.Properties).toEqual({
    Description: 'MCP_REQUEST_STATE_KEY: the MRTR requestState signing key every function instance shares',
    GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
  });
  expect(resource?.DeletionPolicy).toBe('Retain');
  expect(resource?.UpdateReplacePolicy).toBe('Retain');
  expect(render(template.Outputs?.RequestStateKeySecretArn?.Value)).toBe(`{{${IDS.requestStateKey}}}`);
  expect(template.Parameters ?? {}).not.toHaveProperty('RequestStateKey');
}

/**
 * Asserts the role's own statements, exactly: the table and its index with the stores' data actions (global
 * events live in the same table, so nothing more), the monitor's reads on `*`, and with the topic (`sns`)
 * `sns:Publish` on that topic alone and `sqs:SendMessage` on the dead-letter queue alone (Lambda sends the
 * function's failed asynchronous invocations there with this role), and with the HTTP API (`httpApi`)
 * `lambda:InvokeFunction` on the buffered function's own ARN alone. X-Ray statements come with active
 * tracing and are checked apart.
 */
export function expectStatements(statements: Statement[], { sns = false, httpApi = false } = {}): void {
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
    // The buffered function's tasks: invoking its own function, by ARN, and nothing else.
    ...(httpApi
      ? [
          {
            Sid: 'SelfInvoke',
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: BUFFERED_FUNCTION_ARN,
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

/** A resource of `template`, rendered, with what CloudFormation reads of it (no Metadata, no DependsOn). */
function rendered(template: CfnTemplate, id: string): unknown {
  const found = template.Resources[id];
  expect(found, id).toBeDefined();
  const { Type, Properties, DeletionPolicy, UpdateReplacePolicy } = found as CfnResourceJson;
  return render({ Type, Properties, DeletionPolicy, UpdateReplacePolicy });
}

/**
 * Asserts the Cognito resources of the default auth mode, rendered, exactly: a user pool only administrators
 * add users to (email as user name), kept with its users when the stack goes; a domain prefix from the
 * stack's UUID; the resource server `lambda-mcp` with the `mcp:tools` and `mcp:admin` scopes; an app client
 * for client credentials with a secret and both scopes; and a public client (no secret) for authorization
 * code with `callbackUrls` and both scopes (MCP clients ask for every scope the metadata lists).
 */
export function expectCognitoResources(template: CfnTemplate, callbackUrls: string[]): void {
  const pool = `{{${IDS.userPool}}}`;
  expect(rendered(template, IDS.userPool)).toEqual({
    Type: 'AWS::Cognito::UserPool',
    Properties: {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    },
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
  });
  expect(rendered(template, IDS.userPoolDomain)).toEqual({
    Type: 'AWS::Cognito::UserPoolDomain',
    Properties: { Domain: `lambda-mcp-${STACK_UUID}`, UserPoolId: pool },
  });
  expect(rendered(template, IDS.resourceServer)).toEqual({
    Type: 'AWS::Cognito::UserPoolResourceServer',
    Properties: {
      Identifier: 'lambda-mcp',
      Name: 'lambda-mcp',
      UserPoolId: pool,
      Scopes: [
        { ScopeName: 'mcp:tools', ScopeDescription: 'Use the MCP server (required for any request)' },
        { ScopeName: 'mcp:admin', ScopeDescription: 'Also see and call the administrative tools' },
      ],
    },
  });
  const common = { UserPoolId: pool, AllowedOAuthFlowsUserPoolClient: true, EnableTokenRevocation: true };
  expect(rendered(template, IDS.agentClient)).toEqual({
    Type: 'AWS::Cognito::UserPoolClient',
    Properties: {
      ...common,
      ClientName: 'lambda-mcp-agents',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [SCOPES.tools, SCOPES.admin],
      PreventUserExistenceErrors: 'ENABLED',
    },
  });
  expect(rendered(template, IDS.publicClient)).toEqual({
    Type: 'AWS::Cognito::UserPoolClient',
    Properties: {
      ...common,
      ClientName: 'lambda-mcp-people',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', SCOPES.tools, SCOPES.admin],
      CallbackURLs: callbackUrls,
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    },
  });
}

/** The outputs of the default auth mode, rendered: what a client and the setup script need. */
export const COGNITO_OUTPUTS: Record<string, string> = {
  AuthIssuer: COGNITO_ISSUER,
  UserPoolId: `{{${IDS.userPool}}}`,
  TokenUrl: `https://{{${IDS.userPoolDomain}}}.auth.{{AWS::Region}}.amazoncognito.com/oauth2/token`,
  AgentClientId: `{{${IDS.agentClient}}}`,
  PublicClientId: `{{${IDS.publicClient}}}`,
  AuthClientIds: `{{${IDS.agentClient}}},{{${IDS.publicClient}}}`,
  AuthRequiredScopes: SCOPES.tools,
  AuthAdminScope: SCOPES.admin,
};

/** The outputs' rendered values, by name. */
export function outputValues(template: CfnTemplate): Record<string, unknown> {
  return Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([key, o]) => [key, render(o.Value)]));
}
