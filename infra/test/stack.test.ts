// The CDK stack, synthesized offline: the table matches lambda-mcp's table definition, the functions, their
// handlers and environment, the streaming Function URL, each auth mode (the default Cognito user pool and the
// AUTH_* variables, an external issuer, AWS_IAM, an explicit public endpoint), the optional HTTP API (with its
// buffered function, its TASK_RUNNER and its self-invocation) and the optional SNS topic (subscription,
// dead-letter queue, the function's on-failure destination) are as documented, and the role holds exactly the
// statements in expectations.ts (no wildcard actions, data actions only on the table and its index,
// sns:Publish only on the topic, sqs:SendMessage only on the queue, lambda:InvokeFunction only on the
// buffered function's own ARN), the operator's dashboard shows what the server, the functions, the table,
// the HTTP API and the topic report (and every alarm's state), and the alarms (the server's 5xx rate among
// them) are those of alarms.ts.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_5XX_MIN_INVOCATIONS, SERVER_5XX_RATE_THRESHOLD } from '../lib/alarms.js';
import { type AuthProps, DEFAULT_CALLBACK_URLS } from '../lib/auth.js';
import type { McpStackProps } from '../lib/mcp-stack.js';
import { ALARM_EMAIL, expectAlarms } from './alarms.js';
import { DASHBOARD_URL, dashboardContents, expectDashboard } from './dashboard.js';
import {
  authEnvironment,
  BUFFERED_FUNCTION_ARN,
  BUFFERED_FUNCTION_NAME,
  type CfnTemplate,
  COGNITO_OUTPUTS,
  COGNITO_RESOURCE_TYPES,
  ENVIRONMENT,
  environment,
  expectCognitoResources,
  expectNoWildcardActions,
  expectRequestStateKey,
  expectSnsResources,
  expectStatements,
  expectTable,
  FUNCTION,
  HANDLERS,
  IDS,
  only,
  outputValues,
  PARAMETERS,
  policyStatements,
  REQUEST_STATE_KEY_REFERENCE,
  removeSynthesized,
  render,
  SNS_ENVIRONMENT,
  SNS_RESOURCE_TYPES,
  type Statement,
  synthesize,
  synthesizeStack,
  TASK_RUNNERS,
  variablesOf,
} from './expectations.js';

const template = synthesize();
afterAll(removeSynthesized);

/** The statements that are not the X-Ray writes active tracing adds. */
const ownStatements = (t: CfnTemplate): Statement[] =>
  policyStatements(t).filter((s) => ![s.Action].flat().every((a) => a.startsWith('xray:')));

describe('McpStack: table', () => {
  it('is the table createTableInput describes, with TTL, PITR and RETAIN', () => {
    const [id, table] = only(template, 'AWS::DynamoDB::Table');
    expect(id).toBe('SessionTable');
    expectTable(table);
  });

  it('can be DESTROYed with the stack (development)', () => {
    const [, table] = only(synthesize({ tableRemovalPolicy: RemovalPolicy.DESTROY }), 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('McpStack: function', () => {
  it('runs the streaming entry on nodejs24.x, arm64, with active tracing, memory and timeout from parameters', () => {
    const [id, fn] = only(template, 'AWS::Lambda::Function');
    expect(id).toBe(IDS.function);
    expect(fn.Properties).toMatchObject({
      Runtime: FUNCTION.runtime,
      Architectures: [FUNCTION.architecture],
      Handler: HANDLERS.streaming,
      TracingConfig: { Mode: 'Active' },
      MemorySize: { Ref: 'MemorySize' },
      Timeout: { Ref: 'Timeout' },
      LoggingConfig: { LogGroup: { Ref: 'McpLogGroup' } },
    });
    for (const [name, expected] of Object.entries(PARAMETERS)) {
      expect(template.Parameters?.[name], name).toMatchObject(expected);
    }
  });

  it('has exactly the documented environment', () => {
    const [, fn] = only(template, 'AWS::Lambda::Function');
    expect(variablesOf(fn)).toEqual(ENVIRONMENT);
  });

  it('passes server settings through, ALLOWED_ORIGINS and MAX_RESPONSE_SIZE_MB only when set', () => {
    const [, fn] = only(
      synthesize({
        server: {
          allowedOrigins: ['https://a.example', 'https://b.example'],
          logLevel: 'DEBUG',
          maxResponseSizeMb: 3,
        },
      }),
      'AWS::Lambda::Function',
    );
    expect(variablesOf(fn)).toEqual({
      ...ENVIRONMENT,
      ALLOWED_ORIGINS: 'https://a.example,https://b.example',
      LOG_LEVEL: 'DEBUG',
      MAX_RESPONSE_SIZE_MB: '3',
    });
    const unset = only(synthesize({ server: { maxResponseSizeMb: null } }), 'AWS::Lambda::Function')[1];
    expect(variablesOf(unset)).not.toHaveProperty('MAX_RESPONSE_SIZE_MB');
  });

  it('logs to its own log group, kept one month by default', () => {
    expect(only(template, 'AWS::Logs::LogGroup')[1].Properties).toEqual({ RetentionInDays: 30 });
    const week = synthesize({ logRetention: RetentionDays.ONE_WEEK });
    expect(only(week, 'AWS::Logs::LogGroup')[1].Properties).toEqual({ RetentionInDays: 7 });
  });
});

describe('McpStack: request-state key', () => {
  it('generates MCP_REQUEST_STATE_KEY once as a retained secret, outputs its ARN, and takes no key parameter', () => {
    expectRequestStateKey(template);
    expectRequestStateKey(synthesize({ httpApi: true, sns: true, auth: 'iam' }));
  });

  it('gives both functions the key by dynamic reference, and the role no Secrets Manager action', () => {
    const t = synthesize({ httpApi: true });
    for (const id of [IDS.function, IDS.httpApiFunction]) {
      const variables = variablesOf(t.Resources[id]) as Record<string, string>;
      expect(variables.MCP_REQUEST_STATE_KEY, id).toBe(REQUEST_STATE_KEY_REFERENCE);
    }
    // CloudFormation resolves the reference when it deploys: the functions never read the secret.
    const actions = policyStatements(t).flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
  });
});

describe('McpStack: endpoints', () => {
  it('has a streaming (RESPONSE_STREAM) Function URL on the streaming entry, NONE at the AWS level (the function requires tokens), without URL-level CORS', () => {
    const [id, url] = only(template, 'AWS::Lambda::Url');
    expect(id).toBe(IDS.functionUrl);
    expect(render(url.Properties)).toEqual({
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: '{{McpFunction.Arn}}',
    });
    expect(template.Resources[IDS.function]?.Properties?.Handler).toBe(HANDLERS.streaming);
    const permissions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions.map((p) => render(p.Properties))).toEqual([
      {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: '{{McpFunction.Arn}}',
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      },
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: '{{McpFunction.Arn}}',
        InvokedViaFunctionUrl: true,
        Principal: '*',
      },
    ]);
  });

  it('with auth=iam, an AWS_IAM Function URL, and no public invocation', () => {
    const iamOnly = synthesize({ auth: 'iam' });
    expect(only(iamOnly, 'AWS::Lambda::Url')[1].Properties?.AuthType).toBe('AWS_IAM');
    expect(Object.values(iamOnly.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission')).toEqual([]);
  });

  it('has no HTTP API unless asked for', () => {
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(
      [
        'DashboardUrl',
        'FunctionUrl',
        'RequestStateKeySecretArn',
        'TableName',
        ...Object.keys(COGNITO_OUTPUTS),
      ].sort(),
    );
  });

  it('puts an HTTP API ($default route and stage, payload 2.0) in front of a buffered function when asked for', () => {
    const stack = synthesizeStack({ httpApi: true });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      Name: { Ref: 'AWS::StackName' },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [IDS.httpApiFunction, 'Arn'] },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'NONE' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [IDS.httpApiFunction, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.anyValue(),
    });
    t.hasOutput('HttpApiUrl', { Value: { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] } });
  });

  it("gives the HTTP API its own function: the buffered entry, with the streaming function's code, role and environment but TASK_RUNNER, under a fixed name", () => {
    const withApi = synthesize({ httpApi: true });
    const functions = Object.entries(withApi.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual([IDS.function, IDS.httpApiFunction]);
    const main = withApi.Resources[IDS.function]?.Properties ?? {};
    const buffered = withApi.Resources[IDS.httpApiFunction]?.Properties ?? {};
    expect(main.Handler).toBe(HANDLERS.streaming);
    expect(buffered.Handler).toBe(HANDLERS.buffered);
    const { Handler: _a, Description: _b, Environment: _e, ...mainRest } = main;
    const { Handler: _c, Description: _d, Environment: _f, FunctionName, ...bufferedRest } = buffered;
    // Code (the one asset), Role, runtime, memory, timeout, tracing and log group alike.
    expect(bufferedRest).toEqual(mainRest);
    expect(render(buffered.Role)).toBe(`{{${IDS.role}.Arn}}`);
    expect(render(FunctionName)).toBe(BUFFERED_FUNCTION_NAME);
    expect(main.FunctionName).toBeUndefined();
    expect(variablesOf(withApi.Resources[IDS.httpApiFunction])).toEqual(environment({ entry: 'buffered' }));
    expect(variablesOf(withApi.Resources[IDS.function])).toEqual(ENVIRONMENT);
    // One role for both; the API Gateway may invoke only the buffered function, the URL only the streaming one.
    expect(only(withApi, 'AWS::IAM::Role')[0]).toBe(IDS.role);
    const permissionTargets = Object.values(withApi.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Permission')
      .map((r) => [r.Properties?.Principal, render(r.Properties?.FunctionName)]);
    expect(permissionTargets).toEqual([
      ['*', '{{McpFunction.Arn}}'],
      ['*', '{{McpFunction.Arn}}'],
      ['apigateway.amazonaws.com', '{{McpHttpApiFunction.Arn}}'],
    ]);
    expect(only(withApi, 'AWS::Lambda::Url')[1].Properties?.TargetFunctionArn).toEqual({
      'Fn::GetAtt': [IDS.function, 'Arn'],
    });
  });
});

describe('McpStack: SNS topic', () => {
  const withSns = synthesize({ sns: true });

  it('creates no topic, queue or subscription unless asked for', () => {
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => /^AWS::(SNS|SQS)::/.test(type))).toEqual([]);
    expect(variablesOf(template.Resources[IDS.function])).not.toHaveProperty('SNS_TOPIC_ARN');
  });

  it("subscribes the streaming function, with a dead-letter queue for SNS's failed deliveries and the function's failed events", () => {
    expectSnsResources(withSns);
    // Besides its alarm (McpTopicDeadLetterQueueAlarm, see the alarms).
    const added = Object.entries(withSns.Resources).filter(
      ([id]) => !(id in template.Resources) && id !== 'McpTopicDeadLetterQueueAlarm',
    );
    expect(added.map(([, r]) => r.Type).sort()).toEqual(SNS_RESOURCE_TYPES);
    expect(added.map(([id]) => id).sort()).toEqual(
      [
        IDS.topic,
        IDS.subscription,
        IDS.topicPermission,
        IDS.deadLetterQueue,
        IDS.deadLetterQueuePolicy,
        IDS.eventInvokeConfig,
      ].sort(),
    );
  });

  it('passes SNS_TOPIC_ARN to the functions and allows sns:Publish on that topic and sqs:SendMessage on that queue only', () => {
    expect(variablesOf(withSns.Resources[IDS.function])).toEqual(SNS_ENVIRONMENT);
    expectStatements(ownStatements(withSns), { sns: true });
    const both = synthesize({ sns: true, httpApi: true });
    expect(variablesOf(both.Resources[IDS.httpApiFunction])).toEqual(
      environment({ sns: true, entry: 'buffered' }),
    );
    expectStatements(ownStatements(both), { sns: true, httpApi: true });
    // The subscriber is the streaming function, not the HTTP API's, and only its failures go to the queue.
    expect(render(both.Resources[IDS.subscription]?.Properties?.Endpoint)).toBe('{{McpFunction.Arn}}');
    const configs = Object.values(both.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(configs.map((r) => render(r.Properties?.FunctionName))).toEqual([`{{${IDS.function}}}`]);
    // No DeadLetterConfig on either function: the on-failure destination is the one failure target.
    for (const id of [IDS.function, IDS.httpApiFunction]) {
      expect(both.Resources[id]?.Properties?.DeadLetterConfig, id).toBeUndefined();
    }
  });

  it('outputs the topic ARN and the dead-letter queue URL', () => {
    expect(Object.keys(withSns.Outputs ?? {}).sort()).toEqual(
      [
        'DashboardUrl',
        'DeadLetterQueueUrl',
        'FunctionUrl',
        'RequestStateKeySecretArn',
        'TableName',
        'TopicArn',
        ...Object.keys(COGNITO_OUTPUTS),
      ].sort(),
    );
    expect(render(withSns.Outputs?.TopicArn?.Value)).toBe(`{{${IDS.topic}}}`);
    expect(render(withSns.Outputs?.DeadLetterQueueUrl?.Value)).toBe(`{{${IDS.deadLetterQueue}}}`);
  });
});

describe('McpStack: IAM', () => {
  it('grants exactly the table, its index, the monitor reads and X-Ray writes, and with the HTTP API the self-invocation', () => {
    for (const httpApi of [false, true]) {
      const t = httpApi ? synthesize({ httpApi }) : template;
      const statements = policyStatements(t);
      const xray = statements.filter((s) => [s.Action].flat().every((a) => a.startsWith('xray:')));
      expect(xray).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]);
      expectStatements(ownStatements(t), { httpApi });
    }
  });

  it('has one role, with only the basic execution managed policy, and no wildcard action anywhere', () => {
    const [id, role] = only(template, 'AWS::IAM::Role');
    expect(id).toBe(IDS.role);
    expect(render(role.Properties?.ManagedPolicyArns)).toEqual([
      'arn:{{AWS::Partition}}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(role.Properties?.Policies).toBeUndefined();
    expectNoWildcardActions(policyStatements(template));
    expectNoWildcardActions(policyStatements(synthesize({ httpApi: true, sns: true })));
  });
});

describe('McpStack: outputs', () => {
  it('outputs the Function URL and the table name', () => {
    expect(render(template.Outputs?.FunctionUrl?.Value)).toBe('{{McpFunctionUrl.FunctionUrl}}');
    expect(render(template.Outputs?.TableName?.Value)).toBe('{{SessionTable}}');
  });
});

describe('McpStack: dashboard', () => {
  it('shows the EMF metrics, the function, the table and the 5xx request lines, and outputs its URL', () => {
    expectDashboard(template);
    expect(render(template.Outputs?.DashboardUrl?.Value)).toBe(DASHBOARD_URL);
  });

  it('adds the HTTP API and its function with httpApi, the topic and the dead-letter queue with sns', () => {
    for (const props of [{ httpApi: true }, { sns: true }, { httpApi: true, sns: true }]) {
      expectDashboard(synthesize(props), props);
    }
  });

  it('names the service the stack configures in the EMF searches', () => {
    const { searches } = dashboardContents(synthesize({ server: { serviceName: 'billing-mcp' } }));
    expect(searches.slice(0, 4).every((search) => search.includes('service="billing-mcp"'))).toBe(true);
    const { metrics } = dashboardContents(synthesize({ server: { serviceName: 'billing-mcp' } }));
    expect(metrics[0]).toBe('LambdaMcp ServerErrors service=billing-mcp Sum');
  });

  it('lists every alarm in one alarm widget, right under the title', () => {
    const body = render(template.Resources.McpDashboard?.Properties) as {
      DashboardBody: { widgets: { type: string; properties: Record<string, unknown> }[] };
    };
    const [title, alarms] = body.DashboardBody.widgets;
    expect(title?.type).toBe('text');
    expect(alarms).toEqual({
      type: 'alarm',
      width: 24,
      height: 3,
      properties: {
        title: 'Alarms (in alarm first)',
        alarms: [
          '{{McpFunctionErrorsAlarm.Arn}}',
          '{{McpFunctionThrottlesAlarm.Arn}}',
          '{{SessionTableThrottlesAlarm.Arn}}',
          '{{Server5xxRateAlarm.Arn}}',
        ],
        sortBy: 'stateUpdatedTimestamp',
      },
    });
  });
});

describe('McpStack: alarms', () => {
  it('alarms on function errors and throttles and on table throttles, without actions or a topic by default', () => {
    expectAlarms(template);
  });

  it("adds the buffered function's and the HTTP API's 5xx alarms with httpApi, the dead-letter queue's with sns", () => {
    for (const props of [{ httpApi: true }, { sns: true }, { httpApi: true, sns: true }]) {
      expectAlarms(synthesize(props), props);
    }
  });

  it("alarms on the server's 5xx rate: ServerErrors of its service over the HTTP functions' invocations", () => {
    const rate = (t: CfnTemplate) => t.Resources.Server5xxRateAlarm?.Properties ?? {};
    expect(SERVER_5XX_RATE_THRESHOLD).toBe(5);
    expect(SERVER_5XX_MIN_INVOCATIONS).toBe(20);
    expect(rate(template)).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: SERVER_5XX_RATE_THRESHOLD,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    // Metric math only: no metric of its own, exactly one series returned (the rate, in percent).
    for (const key of ['MetricName', 'Namespace', 'Statistic', 'Period', 'Dimensions']) {
      expect(rate(template), key).not.toHaveProperty(key);
    }
    const metrics = rate(template).Metrics as { Id: string; ReturnData: boolean; Expression?: string }[];
    expect(metrics.filter((metric) => metric.ReturnData).map((metric) => metric.Id)).toEqual(['rate']);
    expect(String(rate(template).AlarmDescription)).toMatch(/^Server: 5% or more of the invocations/);
    // The `service` dimension follows the server's configured name.
    const billing = synthesize({ server: { serviceName: 'billing-mcp' } });
    const [errors] = rate(billing).Metrics as { MetricStat: { Metric: { Dimensions: unknown } } }[];
    expect(errors?.MetricStat.Metric.Dimensions).toEqual([{ Name: 'service', Value: 'billing-mcp' }]);
  });

  it('with alarmEmail, notifies an e-mail topic from every alarm and outputs its ARN', () => {
    expectAlarms(synthesize({ alarmEmail: ALARM_EMAIL }), { alarmEmail: true });
    const props = { httpApi: true, sns: true, alarmEmail: ALARM_EMAIL };
    expectAlarms(synthesize(props), { httpApi: true, sns: true, alarmEmail: true });
  });
});

describe('McpStack: auth', () => {
  /** The auth settings each test runs, with the HTTP API on, so both functions and both endpoints show. */
  const MODES: { name: string; props: AuthProps }[] = [
    { name: 'cognito (default)', props: {} },
    { name: 'an external issuer', props: { authIssuer: 'https://login.example.com/tenant' } },
    {
      name: 'an external issuer and audience',
      props: { authIssuer: 'https://login.example.com/', authAudience: 'https://mcp.example.com/mcp' },
    },
    { name: 'cognito with an audience', props: { authAudience: 'https://mcp.example.com/mcp' } },
    { name: 'iam', props: { auth: 'iam' } },
    { name: 'none', props: { auth: 'none' } },
  ];
  const cognitoTypes = (t: CfnTemplate) =>
    Object.values(t.Resources)
      .map((r) => r.Type)
      .filter((type) => type.startsWith('AWS::Cognito::'))
      .sort();
  const functionIds = [IDS.function, IDS.httpApiFunction];

  it('by default creates the user pool, its domain, the resource server and both app clients', () => {
    expectCognitoResources(template, DEFAULT_CALLBACK_URLS);
    expect(cognitoTypes(template)).toEqual(COGNITO_RESOURCE_TYPES);
    expect(DEFAULT_CALLBACK_URLS).toEqual([
      'http://localhost:6274/oauth/callback',
      'http://localhost:6274/oauth/callback/debug',
    ]);
    // The clients name the resource server's scopes: they are created after it.
    for (const id of [IDS.agentClient, IDS.publicClient]) {
      expect(template.Resources[id]).toMatchObject({ DependsOn: [IDS.resourceServer] });
    }
  });

  it("by default sets the pool's issuer, the clients, the scopes and no AUTH_AUDIENCE (Cognito tokens carry no aud)", () => {
    const withApi = synthesize({ httpApi: true });
    for (const id of functionIds) {
      const variables = variablesOf(withApi.Resources[id]) as Record<string, string>;
      expect(variables, id).toMatchObject({
        AUTH_ISSUER: `https://cognito-idp.{{AWS::Region}}.{{AWS::URLSuffix}}/{{${IDS.userPool}}}`,
        AUTH_JWKS_URL: `https://cognito-idp.{{AWS::Region}}.{{AWS::URLSuffix}}/{{${IDS.userPool}}}/.well-known/jwks.json`,
        AUTH_CLIENT_IDS: `{{${IDS.agentClient}}},{{${IDS.publicClient}}}`,
        AUTH_REQUIRED_SCOPES: 'lambda-mcp/mcp:tools',
        AUTH_ADMIN_SCOPE: 'lambda-mcp/mcp:admin',
      });
      expect(variables, id).not.toHaveProperty('AUTH_AUDIENCE');
    }
    const outputs = outputValues(withApi);
    for (const [key, value] of Object.entries(COGNITO_OUTPUTS)) expect(outputs[key], key).toBe(value);
  });

  it("takes the public client's callback URLs", () => {
    const urls = ['https://app.example.com/callback', 'http://localhost:8080/callback'];
    expectCognitoResources(synthesize({ authCallbackUrls: urls }), urls);
  });

  it('with authIssuer creates no user pool and sets AUTH_ISSUER (and AUTH_AUDIENCE when given)', () => {
    const issuer = 'https://login.example.com/tenant';
    const t = synthesize({ httpApi: true, authIssuer: issuer });
    expect(cognitoTypes(t)).toEqual([]);
    for (const id of functionIds) {
      expect(variablesOf(t.Resources[id]), id).toMatchObject({ AUTH_ISSUER: issuer });
      expect(variablesOf(t.Resources[id]), id).not.toHaveProperty('AUTH_AUDIENCE');
      expect(variablesOf(t.Resources[id]), id).not.toHaveProperty('AUTH_CLIENT_IDS');
    }
    expect(outputValues(t)).toEqual({
      AuthIssuer: issuer,
      DashboardUrl: DASHBOARD_URL,
      FunctionUrl: '{{McpFunctionUrl.FunctionUrl}}',
      HttpApiUrl: '{{HttpApi.ApiEndpoint}}',
      RequestStateKeySecretArn: `{{${IDS.requestStateKey}}}`,
      TableName: '{{SessionTable}}',
    });
    const audience = 'https://mcp.example.com/mcp';
    const both = synthesize({ authIssuer: issuer, authAudience: audience });
    expect(variablesOf(both.Resources[IDS.function])).toEqual(
      environment({ authIssuer: issuer, authAudience: audience }),
    );
    expect(only(both, 'AWS::Lambda::Url')[1].Properties?.AuthType).toBe('NONE');
    expect(outputValues(both)).toMatchObject({ AuthIssuer: issuer, AuthAudience: audience });
  });

  it('with auth=iam signs the Function URL and the HTTP API route, with no Cognito and no AUTH_* variables', () => {
    const t = synthesize({ httpApi: true, auth: 'iam' });
    expect(only(t, 'AWS::Lambda::Url')[1].Properties?.AuthType).toBe('AWS_IAM');
    expect(only(t, 'AWS::ApiGatewayV2::Route')[1].Properties?.AuthorizationType).toBe('AWS_IAM');
    expect(cognitoTypes(t)).toEqual([]);
    for (const id of functionIds) {
      expect(
        Object.keys(variablesOf(t.Resources[id]) as object).filter((k) => k.startsWith('AUTH_')),
      ).toEqual([]);
    }
    // Only API Gateway may invoke the buffered function; nobody may call the URL without IAM.
    const principals = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Permission')
      .map((r) => r.Properties?.Principal);
    expect(principals).toEqual(['apigateway.amazonaws.com']);
    expect(Object.keys(t.Outputs ?? {}).sort()).toEqual([
      'DashboardUrl',
      'FunctionUrl',
      'HttpApiUrl',
      'RequestStateKeySecretArn',
      'TableName',
    ]);
  });

  it('with auth=none is public, says so in an output, and sets no AUTH_* variables', () => {
    const t = synthesize({ httpApi: true, auth: 'none' });
    expect(only(t, 'AWS::Lambda::Url')[1].Properties?.AuthType).toBe('NONE');
    expect(only(t, 'AWS::ApiGatewayV2::Route')[1].Properties?.AuthorizationType).toBe('NONE');
    expect(cognitoTypes(t)).toEqual([]);
    expect(variablesOf(t.Resources[IDS.function])).toEqual(environment({ auth: 'none' }));
    expect(t.Outputs?.PublicEndpointWarning?.Value).toMatch(/^PUBLIC: auth=none/);
    expect(Object.keys(t.Outputs ?? {}).sort()).toEqual([
      'DashboardUrl',
      'FunctionUrl',
      'HttpApiUrl',
      'PublicEndpointWarning',
      'RequestStateKeySecretArn',
      'TableName',
    ]);
  });

  it.each(MODES)(
    'with $name, an endpoint that is NONE at the AWS level has AUTH_ISSUER on its function unless auth=none',
    ({ props }) => {
      const t = synthesize({ ...props, httpApi: true });
      const url = only(t, 'AWS::Lambda::Url')[1].Properties ?? {};
      const route = only(t, 'AWS::ApiGatewayV2::Route')[1].Properties ?? {};
      const endpoints: [string, unknown][] = [
        [IDS.function, url.AuthType],
        [IDS.httpApiFunction, route.AuthorizationType],
      ];
      for (const [id, authType] of endpoints) {
        const variables = variablesOf(t.Resources[id]) as Record<string, string>;
        expect(variables, id).toEqual(
          environment({ ...props, entry: id === IDS.function ? 'streaming' : 'buffered' }),
        );
        if (authType === 'NONE' && props.auth !== 'none')
          expect(variables.AUTH_ISSUER, id).toMatch(/^https:\/\//);
        else if (authType === 'NONE') expect(t.Outputs, id).toHaveProperty('PublicEndpointWarning');
        else expect(authType, id).toBe('AWS_IAM');
      }
      expect(Object.keys(authEnvironment(props)).length > 0).toBe(!props.auth || props.auth === 'cognito');
    },
  );

  it('refuses settings that make no sense: an unknown mode, an issuer or audience without token auth, a bad issuer, no callback URL', () => {
    const cases: [McpStackProps, RegExp][] = [
      [{ auth: 'oidc' as never }, /auth must be one of cognito, iam, none; got "oidc"/],
      [{ auth: 'iam', authIssuer: 'https://login.example.com/' }, /not auth=iam/],
      [{ auth: 'none', authAudience: 'https://mcp.example.com/' }, /not auth=none/],
      [{ authIssuer: 'http://login.example.com/' }, /authIssuer must be an https URL/],
      [{ authIssuer: 'https://login.example.com/?tenant=1' }, /authIssuer must be an https URL/],
      [{ authCallbackUrls: [] }, /authCallbackUrls must name at least one URL/],
    ];
    for (const [props, message] of cases) expect(() => synthesize(props), message.source).toThrow(message);
  });
});

describe('McpStack: tasks (issue 15)', () => {
  const withApi = synthesize({ httpApi: true });

  it('sets TASK_RUNNER=in-process on the streaming function and lambda-async on the buffered one, no TASK_HEARTBEAT_SECONDS', () => {
    const runner = (t: CfnTemplate, id: string) =>
      (variablesOf(t.Resources[id]) as Record<string, string>).TASK_RUNNER;
    expect(runner(template, IDS.function)).toBe(TASK_RUNNERS.streaming);
    expect(runner(withApi, IDS.function)).toBe('in-process');
    expect(runner(withApi, IDS.httpApiFunction)).toBe('lambda-async');
    for (const id of [IDS.function, IDS.httpApiFunction]) {
      expect(variablesOf(withApi.Resources[id]), id).not.toHaveProperty('TASK_HEARTBEAT_SECONDS');
    }
  });

  it("lets the buffered function invoke exactly its own ARN, without naming the function's attributes (no dependency cycle)", () => {
    const invoke = ownStatements(withApi).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('lambda:Invoke')),
    );
    expect(invoke.map(render)).toEqual([
      {
        Sid: 'SelfInvoke',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: BUFFERED_FUNCTION_ARN,
      },
    ]);
    // The ARN is the buffered function's own: its name, in this partition, region and account.
    const name = render(withApi.Resources[IDS.httpApiFunction]?.Properties?.FunctionName);
    expect(BUFFERED_FUNCTION_ARN).toBe(
      `arn:{{AWS::Partition}}:lambda:{{AWS::Region}}:{{AWS::AccountId}}:function:${String(name)}`,
    );
    // The policy the buffered function depends on must not refer to that function.
    const policies = Object.values(withApi.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(JSON.stringify(policies)).not.toContain(IDS.httpApiFunction);
    expect(withApi.Resources[IDS.httpApiFunction]).toMatchObject({
      DependsOn: expect.arrayContaining([IDS.role]),
    });
    // Without the HTTP API there is no buffered function, so nothing to invoke.
    expect(ownStatements(template).filter((s) => s.Sid === 'SelfInvoke')).toEqual([]);
  });
});
