// The CDK stack, synthesized offline: the table matches lambda-mcp's table definition, the function, its
// environment, Function URL and optional HTTP API are as documented, and the role holds exactly the
// statements in expectations.ts (no wildcard actions, data actions only on the table and its index).
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ENVIRONMENT,
  expectNoWildcardActions,
  expectStatements,
  expectTable,
  FUNCTION,
  only,
  PARAMETERS,
  policyStatements,
  removeSynthesized,
  render,
  synthesize,
  synthesizeStack,
  variablesOf,
} from './expectations.js';

const template = synthesize();
afterAll(removeSynthesized);

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
  it('runs nodejs22.x on arm64 with active tracing, memory and timeout from parameters', () => {
    const [id, fn] = only(template, 'AWS::Lambda::Function');
    expect(id).toBe('McpFunction');
    expect(fn.Properties).toMatchObject({
      Runtime: FUNCTION.runtime,
      Architectures: [FUNCTION.architecture],
      Handler: FUNCTION.handler,
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

  it('passes server settings through, ALLOWED_ORIGINS only when there are origins', () => {
    const [, fn] = only(
      synthesize({
        server: { allowedOrigins: ['https://a.example', 'https://b.example'], logLevel: 'DEBUG' },
      }),
      'AWS::Lambda::Function',
    );
    expect(variablesOf(fn)).toEqual({
      ...ENVIRONMENT,
      ALLOWED_ORIGINS: 'https://a.example,https://b.example',
      LOG_LEVEL: 'DEBUG',
    });
  });

  it('logs to its own log group, kept one month by default', () => {
    expect(only(template, 'AWS::Logs::LogGroup')[1].Properties).toEqual({ RetentionInDays: 30 });
    const week = synthesize({ logRetention: RetentionDays.ONE_WEEK });
    expect(only(week, 'AWS::Logs::LogGroup')[1].Properties).toEqual({ RetentionInDays: 7 });
  });
});

describe('McpStack: endpoints', () => {
  it('has a buffered, public Function URL without URL-level CORS', () => {
    const [id, url] = only(template, 'AWS::Lambda::Url');
    expect(id).toBe('McpFunctionUrl');
    expect(render(url.Properties)).toEqual({
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: '{{McpFunction.Arn}}',
    });
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

  it('puts an HTTP API ($default route and stage, payload 2.0) in front when asked for', () => {
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
      IntegrationUri: { 'Fn::GetAtt': ['McpFunction', 'Arn'] },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'NONE' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.anyValue(),
    });
    t.hasOutput('HttpApiUrl', { Value: { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] } });
  });
});

describe('McpStack: IAM', () => {
  it('grants exactly the table, its index, the monitor reads and X-Ray writes', () => {
    const statements = policyStatements(template);
    const xray = statements.filter((s) => [s.Action].flat().every((a) => a.startsWith('xray:')));
    expect(xray).toEqual([
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ]);
    expectStatements(statements.filter((s) => !xray.includes(s)));
  });

  it('has one role, with only the basic execution managed policy, and no wildcard action anywhere', () => {
    const [id, role] = only(template, 'AWS::IAM::Role');
    expect(id).toBe('McpFunctionRole');
    expect(render(role.Properties?.ManagedPolicyArns)).toEqual([
      'arn:{{AWS::Partition}}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(role.Properties?.Policies).toBeUndefined();
    expectNoWildcardActions(policyStatements(template));
    expectNoWildcardActions(policyStatements(synthesize({ httpApi: true })));
  });
});

describe('McpStack: outputs', () => {
  it('outputs the Function URL and the table name', () => {
    expect(render(template.Outputs?.FunctionUrl?.Value)).toBe('{{McpFunctionUrl.FunctionUrl}}');
    expect(render(template.Outputs?.TableName?.Value)).toBe('{{SessionTable}}');
  });
});
