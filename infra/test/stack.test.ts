// The CDK stack, synthesized offline: the table matches lambda-mcp's table definition, the functions, their
// handlers and environment, the streaming Function URL, the optional HTTP API (with its buffered function) and
// the optional SNS topic (subscription, dead-letter queue, the function's on-failure destination) are as
// documented, and the role holds exactly the statements in expectations.ts (no wildcard actions, data actions
// only on the table and its index, sns:Publish only on the topic, sqs:SendMessage only on the queue).
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CfnTemplate,
  ENVIRONMENT,
  expectNoWildcardActions,
  expectSnsResources,
  expectStatements,
  expectTable,
  FUNCTION,
  HANDLERS,
  IDS,
  only,
  PARAMETERS,
  policyStatements,
  removeSynthesized,
  render,
  SNS_ENVIRONMENT,
  SNS_RESOURCE_TYPES,
  type Statement,
  synthesize,
  synthesizeStack,
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

describe('McpStack: endpoints', () => {
  it('has a streaming (RESPONSE_STREAM), public Function URL on the streaming entry, without URL-level CORS', () => {
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

  it('with AWS_IAM, grants no public invocation', () => {
    const iamOnly = synthesize({ functionUrlAuthType: FunctionUrlAuthType.AWS_IAM });
    expect(only(iamOnly, 'AWS::Lambda::Url')[1].Properties?.AuthType).toBe('AWS_IAM');
    expect(Object.values(iamOnly.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission')).toEqual([]);
  });

  it('has no HTTP API unless asked for', () => {
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(['FunctionUrl', 'TableName']);
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

  it("gives the HTTP API its own function: the buffered entry, with the streaming function's code, role and environment", () => {
    const withApi = synthesize({ httpApi: true });
    const functions = Object.entries(withApi.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual([IDS.function, IDS.httpApiFunction]);
    const main = withApi.Resources[IDS.function]?.Properties ?? {};
    const buffered = withApi.Resources[IDS.httpApiFunction]?.Properties ?? {};
    expect(main.Handler).toBe(HANDLERS.streaming);
    expect(buffered.Handler).toBe(HANDLERS.buffered);
    const { Handler: _a, Description: _b, ...mainRest } = main;
    const { Handler: _c, Description: _d, ...bufferedRest } = buffered;
    // Code (the one asset), Role, Environment, runtime, memory, timeout, tracing and log group alike.
    expect(bufferedRest).toEqual(mainRest);
    expect(render(buffered.Role)).toBe(`{{${IDS.role}.Arn}}`);
    expect(variablesOf(withApi.Resources[IDS.httpApiFunction])).toEqual(ENVIRONMENT);
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
    const added = Object.entries(withSns.Resources).filter(([id]) => !(id in template.Resources));
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
    expect(variablesOf(both.Resources[IDS.httpApiFunction])).toEqual(SNS_ENVIRONMENT);
    expectStatements(ownStatements(both), { sns: true });
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
    expect(Object.keys(withSns.Outputs ?? {}).sort()).toEqual([
      'DeadLetterQueueUrl',
      'FunctionUrl',
      'TableName',
      'TopicArn',
    ]);
    expect(render(withSns.Outputs?.TopicArn?.Value)).toBe(`{{${IDS.topic}}}`);
    expect(render(withSns.Outputs?.DeadLetterQueueUrl?.Value)).toBe(`{{${IDS.deadLetterQueue}}}`);
  });
});

describe('McpStack: IAM', () => {
  it('grants exactly the table, its index, the monitor reads and X-Ray writes', () => {
    for (const t of [template, synthesize({ httpApi: true })]) {
      const statements = policyStatements(t);
      const xray = statements.filter((s) => [s.Action].flat().every((a) => a.startsWith('xray:')));
      expect(xray).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]);
      expectStatements(ownStatements(t));
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
