// template.yaml (AWS SAM) against the same expectations as the CDK stack, and against the synthesized stack
// itself: under the same settings (auth modes included: the CDK settings map to template.yaml's parameters
// through AUTH_PARAMETERS) both declare the same resources with the same logical ids and properties, the same
// functions (handlers, names, environment, role), exactly the same IAM statements and the same dashboard
// body, so neither can drift from the other.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { AUTH_MODES, DEFAULT_CALLBACK_URLS } from '../lib/auth.js';
import { DEFAULT_CODE_PATH, type McpStackProps } from '../lib/mcp-stack.js';
import { ALARM_EMAIL, expectAlarms } from './alarms.js';
import { expectDashboard } from './dashboard.js';
import {
  AUTH_PARAMETERS,
  actionsOf,
  authParameters,
  BUFFERED_FUNCTION_NAME,
  type CfnResourceJson,
  type CfnTemplate,
  ENVIRONMENT,
  environment,
  expectCognitoResources,
  expectRequestStateKey,
  expectSnsResources,
  expectStatements,
  expectTable,
  FUNCTION,
  HANDLERS,
  IDS,
  only,
  PARAMETERS,
  policyStatements,
  REQUEST_STATE_KEY_REFERENCE,
  removeSynthesized,
  render,
  SNS_ENVIRONMENT,
  type Statement,
  synthesize,
  variablesOf,
} from './expectations.js';

const SAM_TEMPLATE = new URL('../../template.yaml', import.meta.url);

/** The intrinsic functions with a `!Name` short form for `Fn::Name` (conditions included). */
const FUNCTIONS =
  'And Base64 Cidr Equals FindInMap GetAtt GetAZs If ImportValue Join Not Or Select Split Sub'.split(' ');

/** The short forms of CloudFormation's intrinsic functions, as YAML tags producing their long forms. */
const INTRINSICS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  {
    tag: '!GetAtt',
    resolve: (value: string) => ({
      'Fn::GetAtt': [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)],
    }),
  },
  ...FUNCTIONS.flatMap((name) => [
    ...(name === 'GetAtt'
      ? []
      : [{ tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) }]),
    ...(['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (node: { toJSON(): unknown }) => ({ [`Fn::${name}`]: node.toJSON() }),
    })),
  ]),
];

const sam = parse(readFileSync(SAM_TEMPLATE, 'utf8'), { customTags: INTRINSICS }) as CfnTemplate & {
  Transform: string;
};

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * template.yaml as CloudFormation would see it for the given parameter values (others at their defaults):
 * references to its own parameters replaced by values, `Fn::If` decided, `AWS::NoValue` removed, resources
 * and outputs whose condition is false dropped. References to resources, and to the parameters the CDK stack
 * declares too (memory, timeout), stay as they are, to be compared with the stack's.
 */
function effective(overrides: Record<string, string> = {}): CfnTemplate {
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(sam.Parameters ?? {})) {
    if ('Default' in parameter && !(name in PARAMETERS)) values[name] = parameter.Default;
  }
  Object.assign(values, overrides);
  // A CommaDelimitedList parameter is a list to !Ref.
  for (const [name, parameter] of Object.entries(sam.Parameters ?? {})) {
    if (parameter.Type === 'CommaDelimitedList' && typeof values[name] === 'string') {
      values[name] = (values[name] as string).split(',');
    }
  }

  const holds = (name: string): boolean => test(sam.Conditions?.[name]);
  const test = (expression: unknown): boolean => {
    const [fn, arg] = Object.entries(expression as object)[0] ?? [];
    const args = arg as unknown[];
    if (fn === 'Fn::Equals') return String(evaluate(args[0])) === String(evaluate(args[1]));
    if (fn === 'Fn::Not') return !test(args[0]);
    if (fn === 'Fn::And') return args.every(test);
    if (fn === 'Fn::Or') return args.some(test);
    if (fn === 'Condition') return holds(String(arg));
    throw new Error(`unsupported condition ${JSON.stringify(expression)}`);
  };
  const evaluate = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(evaluate).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]) {
      const [fn, arg] = entries[0];
      if (fn === 'Ref' && arg === 'AWS::NoValue') return NO_VALUE;
      if (fn === 'Ref' && typeof arg === 'string' && arg in values) return values[arg];
      if (fn === 'Fn::If') {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return evaluate(holds(condition) ? whenTrue : whenFalse);
      }
    }
    return Object.fromEntries(
      entries.map(([key, member]) => [key, evaluate(member)]).filter(([, member]) => member !== NO_VALUE),
    );
  };

  const kept = <T extends { Condition?: string }>(items: Record<string, T> = {}) =>
    Object.fromEntries(
      Object.entries(items)
        .filter(([, item]) => !item.Condition || holds(item.Condition))
        .map(([id, item]) => {
          const { Condition: _condition, ...rest } = evaluate(item) as T;
          return [id, rest];
        }),
    );
  return {
    Resources: kept(sam.Resources) as Record<string, CfnResourceJson>,
    Outputs: kept(sam.Outputs) as CfnTemplate['Outputs'],
  };
}

/** The settings pairs compared: CDK props and the template.yaml parameters that mean the same. */
const VARIANTS: { name: string; props: McpStackProps; parameters: Record<string, string> }[] = [
  { name: 'defaults', props: {}, parameters: {} },
  { name: 'with the HTTP API', props: { httpApi: true }, parameters: { EnableHttpApi: 'true' } },
  { name: 'with the SNS topic', props: { sns: true }, parameters: { EnableSns: 'true' } },
  {
    name: 'with the HTTP API and the SNS topic',
    props: { httpApi: true, sns: true },
    parameters: { EnableHttpApi: 'true', EnableSns: 'true' },
  },
  {
    name: 'with an alarm e-mail',
    props: { alarmEmail: ALARM_EMAIL },
    parameters: { AlarmEmail: ALARM_EMAIL },
  },
  {
    name: 'with the HTTP API, the SNS topic and an alarm e-mail',
    props: { httpApi: true, sns: true, alarmEmail: ALARM_EMAIL },
    parameters: { EnableHttpApi: 'true', EnableSns: 'true', AlarmEmail: ALARM_EMAIL },
  },
  {
    name: 'with origins, DEBUG logs and admin tools',
    props: { server: { allowedOrigins: ['https://app.example'], logLevel: 'DEBUG', adminTools: true } },
    parameters: { AllowedOrigins: 'https://app.example', LogLevel: 'DEBUG', AdminTools: 'true' },
  },
  // The auth modes: the CDK settings, and template.yaml's parameters by AUTH_PARAMETERS.
  ...(
    [
      { name: 'with auth=iam', props: { auth: 'iam' } },
      { name: 'with auth=iam and the HTTP API', props: { auth: 'iam', httpApi: true } },
      { name: 'with auth=none', props: { auth: 'none' } },
      { name: 'with auth=none and the HTTP API', props: { auth: 'none', httpApi: true } },
      { name: 'with explicit auth=cognito', props: { auth: 'cognito' } },
      {
        name: 'with Cognito callback URLs and an audience',
        props: {
          authCallbackUrls: ['https://app.example/cb', 'http://localhost:3000/cb'],
          authAudience: 'x',
        },
      },
      {
        name: 'with an external issuer, the HTTP API and the SNS topic',
        props: { authIssuer: 'https://login.example.com/tenant', httpApi: true, sns: true },
      },
      {
        name: 'with an external issuer and audience',
        props: { authIssuer: 'https://login.example.com/', authAudience: 'https://mcp.example.com/mcp' },
      },
    ] satisfies { name: string; props: McpStackProps }[]
  ).map(({ name, props }) => ({
    name,
    props,
    parameters: {
      ...authParameters(props),
      ...('httpApi' in props && { EnableHttpApi: 'true' }),
      ...('sns' in props && { EnableSns: 'true' }),
    },
  })),
];

/** Resources SAM generates from template.yaml's own and that it may name: the role of McpFunction. */
const SAM_GENERATED = [IDS.role];

const cdk = synthesize();
afterAll(removeSynthesized);
/** The statements of McpFunction's policies in `template` (default: template.yaml with default parameters). */
const samStatements = (template: CfnTemplate = effective()) => {
  const policies = template.Resources[IDS.function]?.Properties?.Policies as { Statement: Statement[] }[];
  return (policies ?? []).flatMap((policy) => policy.Statement);
};
const cdkStatements = (t: CfnTemplate) =>
  policyStatements(t).filter(
    (statement) => !actionsOf(statement).every((action) => action.startsWith('xray:')),
  );
/** The functions of a synthesized stack, by logical id. */
const cdkFunctions = (t: CfnTemplate) =>
  Object.entries(t.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

describe('template.yaml', () => {
  it('is an AWS SAM template', () => {
    expect(sam.Transform).toBe('AWS::Serverless-2016-10-31');
  });

  it('names each parameter and resource once, and refers only to what it declares', () => {
    const parameters = Object.keys(sam.Parameters ?? {});
    const resources = Object.keys(sam.Resources);
    // Parameters and resources share one namespace in CloudFormation.
    expect(parameters.filter((name) => resources.includes(name))).toEqual([]);
    const known = new Set([...parameters, ...resources, ...SAM_GENERATED]);
    const referred: string[] = [];
    const collect = (value: unknown): void => {
      if (value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        for (const item of value) collect(item);
        return;
      }
      for (const [key, arg] of Object.entries(value)) {
        if (key === 'Ref' && typeof arg === 'string') referred.push(arg);
        else if (key === 'Fn::GetAtt' && Array.isArray(arg)) referred.push(String(arg[0]));
        else if (key === 'Fn::Sub' && typeof arg === 'string') {
          for (const match of arg.matchAll(/\$\{([^}.!]+)/g)) referred.push(String(match[1]));
        } else collect(arg);
      }
    };
    collect([sam.Resources, sam.Outputs, sam.Conditions]);
    expect(referred.filter((name) => !name.startsWith('AWS::') && !known.has(name))).toEqual([]);
    const conditions = Object.keys(sam.Conditions ?? {});
    for (const item of [...Object.values(sam.Resources), ...Object.values(sam.Outputs ?? {})]) {
      if (item.Condition) expect(conditions).toContain(item.Condition);
    }
  });

  it('declares the table createTableInput describes, with TTL, PITR and RETAIN', () => {
    expectTable(sam.Resources.SessionTable as CfnResourceJson);
    expect(only(sam, 'AWS::DynamoDB::Table')[0]).toBe('SessionTable');
  });

  it('runs the prebuilt bundle on nodejs24.x, arm64, with active tracing and parameterized memory and timeout', () => {
    const [id, fn] = only(effective(), 'AWS::Serverless::Function');
    expect(id).toBe(IDS.function);
    expect(fn.Properties).toMatchObject({
      CodeUri: 'dist/lambda/http',
      Handler: HANDLERS.streaming,
      Runtime: FUNCTION.runtime,
      Architectures: [FUNCTION.architecture],
      Tracing: 'Active',
      MemorySize: { Ref: 'MemorySize' },
      Timeout: { Ref: 'Timeout' },
      LoggingConfig: { LogGroup: { Ref: 'McpLogGroup' } },
    });
    expect(fn.Metadata).toEqual({ SkipBuild: true });
    expect(DEFAULT_CODE_PATH.replaceAll('\\', '/').endsWith('/dist/lambda/http')).toBe(true);
  });

  it("gives the HTTP API a function of its own: the buffered entry, with McpFunction's code, role and environment", () => {
    const template = effective({ EnableHttpApi: 'true' });
    const functions = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::Serverless::Function',
    );
    expect(functions.map(([id]) => id).sort()).toEqual([IDS.function, IDS.httpApiFunction]);
    const main = template.Resources[IDS.function] as CfnResourceJson;
    const buffered = template.Resources[IDS.httpApiFunction] as CfnResourceJson;
    expect(buffered.Metadata).toEqual({ SkipBuild: true });
    expect(buffered.Properties?.Handler).toBe(HANDLERS.buffered);
    expect(render(buffered.Properties?.Role)).toBe(`{{${IDS.role}.Arn}}`);
    expect(buffered.Properties?.Policies).toBeUndefined();
    for (const key of [
      'CodeUri',
      'Runtime',
      'Architectures',
      'MemorySize',
      'Timeout',
      'Tracing',
      'LoggingConfig',
    ]) {
      expect(buffered.Properties?.[key], key).toEqual(main.Properties?.[key]);
    }
    const settings: Record<string, string>[] = [
      {},
      { EnableSns: 'true', AllowedOrigins: 'https://app.example' },
    ];
    for (const parameters of settings) {
      const both = effective({ EnableHttpApi: 'true', ...parameters });
      expect(variablesOf(both.Resources[IDS.httpApiFunction])).toEqual({
        ...(variablesOf(both.Resources[IDS.function]) as object),
        TASK_RUNNER: 'lambda-async',
      });
    }
    expect(render(buffered.Properties?.FunctionName)).toBe(BUFFERED_FUNCTION_NAME);
    expect(main.Properties?.FunctionName).toBeUndefined();
    expect(render(template.Resources.HttpApiIntegration?.Properties?.IntegrationUri)).toBe(
      `{{${IDS.httpApiFunction}.Arn}}`,
    );
    expect(effective().Resources[IDS.httpApiFunction]).toBeUndefined();
  });

  it("with EnableSns, declares the topic, the subscription, its dead-letter queue, the function's on-failure destination and the permissions", () => {
    const template = effective({ EnableSns: 'true' });
    expectSnsResources(template);
    expect(variablesOf(template.Resources[IDS.function])).toEqual(SNS_ENVIRONMENT);
    expectStatements(samStatements(template), { sns: true });
    // SAM's own DeadLetterQueue and EventInvokeConfig properties would add role statements outside Policies
    // (which samStatements reads); the failure destination is the plain McpFunctionEventInvokeConfig instead.
    const both = effective({ EnableSns: 'true', EnableHttpApi: 'true' });
    for (const id of [IDS.function, IDS.httpApiFunction]) {
      expect(both.Resources[id]?.Properties, id).not.toHaveProperty('DeadLetterQueue');
      expect(both.Resources[id]?.Properties, id).not.toHaveProperty('EventInvokeConfig');
    }
    const none = effective();
    for (const id of [
      IDS.topic,
      IDS.subscription,
      IDS.topicPermission,
      IDS.deadLetterQueue,
      IDS.deadLetterQueuePolicy,
      IDS.eventInvokeConfig,
    ]) {
      expect(none.Resources[id], id).toBeUndefined();
    }
    expect(Object.keys(none.Outputs ?? {})).not.toContain('TopicArn');
  });

  it('declares the auth parameters of the CDK settings: Auth (default cognito), AuthIssuer, AuthAudience, AuthCallbackUrls', () => {
    expect(Object.values(AUTH_PARAMETERS).filter((name) => !sam.Parameters?.[name])).toEqual([]);
    expect(sam.Parameters?.Auth).toMatchObject({
      Type: 'String',
      Default: 'cognito',
      AllowedValues: AUTH_MODES,
    });
    expect(sam.Parameters?.AuthIssuer).toMatchObject({ Type: 'String', Default: '' });
    expect(sam.Parameters?.AuthAudience).toMatchObject({ Type: 'String', Default: '' });
    expect(sam.Parameters?.AuthCallbackUrls).toMatchObject({
      Type: 'CommaDelimitedList',
      Default: DEFAULT_CALLBACK_URLS.join(','),
    });
    // The issuer's pattern takes what the CDK stack takes: an https URL without query or fragment, or nothing.
    const pattern = new RegExp(String(sam.Parameters?.AuthIssuer?.AllowedPattern));
    for (const ok of [
      '',
      'https://login.example.com',
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab',
    ]) {
      expect(pattern.test(ok), ok).toBe(true);
    }
    for (const bad of [
      'http://login.example.com',
      'https://login.example.com/?a=1',
      'https://a b',
      'login',
    ]) {
      expect(pattern.test(bad), bad).toBe(false);
    }
    expect(sam.Parameters).not.toHaveProperty('FunctionUrlAuthType');
  });

  it('by default declares the Cognito user pool, its domain, resource server and clients, created after the scopes', () => {
    const template = effective();
    expectCognitoResources(template, DEFAULT_CALLBACK_URLS);
    for (const id of [IDS.agentClient, IDS.publicClient]) {
      expect((sam.Resources[id] as { DependsOn?: unknown }).DependsOn, id).toBe(IDS.resourceServer);
    }
    const others: Record<string, string>[] = [
      { Auth: 'iam' },
      { Auth: 'none' },
      { AuthIssuer: 'https://login.example.com/' },
    ];
    for (const parameters of others) {
      const types = Object.values(effective(parameters).Resources).map((r) => r.Type);
      expect(
        types.filter((type) => type.startsWith('AWS::Cognito::')),
        JSON.stringify(parameters),
      ).toEqual([]);
    }
    // With Auth=iam, AuthIssuer and AuthAudience are ignored, as the CDK app refuses them.
    const iamWithIssuer = effective({
      Auth: 'iam',
      AuthIssuer: 'https://login.example.com/',
      AuthAudience: 'a',
    });
    expect(variablesOf(iamWithIssuer.Resources[IDS.function])).toEqual(environment({ auth: 'iam' }));
  });

  it('declares the memory and timeout parameters exactly as the CDK stack', () => {
    for (const [name, expected] of Object.entries(PARAMETERS)) {
      expect(sam.Parameters?.[name], name).toMatchObject(expected);
      expect(sam.Parameters?.[name], name).toEqual(cdk.Parameters?.[name]);
    }
  });

  it('generates the request-state key as a retained secret, given to both functions by dynamic reference', () => {
    expectRequestStateKey(sam);
    const both = effective({ EnableHttpApi: 'true' });
    for (const id of [IDS.function, IDS.httpApiFunction]) {
      const variables = variablesOf(both.Resources[id]) as Record<string, string>;
      expect(variables.MCP_REQUEST_STATE_KEY, id).toBe(REQUEST_STATE_KEY_REFERENCE);
    }
    expect(
      samStatements(both)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('secretsmanager:')),
    ).toEqual([]);
  });

  it('grants exactly the same statements as the CDK stack, plus X-Ray writes through Tracing', () => {
    expectStatements(samStatements());
    const actions = (statements: Statement[]) => statements.flatMap(actionsOf).sort();
    for (const variant of VARIANTS) {
      const sam = samStatements(effective(variant.parameters));
      const stack = cdkStatements(synthesize(variant.props));
      expect(sam.map(render), variant.name).toEqual(stack.map(render));
      expect(actions(sam), variant.name).toEqual(actions(stack));
    }
  });

  it("declares the operator's dashboard, with the HTTP API's and the topic's widgets only when they exist", () => {
    expectDashboard(effective());
    expectDashboard(effective({ EnableHttpApi: 'true' }), { httpApi: true });
    expectDashboard(effective({ EnableSns: 'true' }), { sns: true });
    expectDashboard(effective({ EnableHttpApi: 'true', EnableSns: 'true' }), { httpApi: true, sns: true });
  });

  it('declares the alarms, the optional ones only when their resource exists, and the e-mail topic with AlarmEmail', () => {
    expectAlarms(effective());
    expectAlarms(effective({ EnableHttpApi: 'true' }), { httpApi: true });
    expectAlarms(effective({ EnableSns: 'true' }), { sns: true });
    expectAlarms(effective({ AlarmEmail: ALARM_EMAIL }), { alarmEmail: true });
    expectAlarms(effective({ EnableHttpApi: 'true', EnableSns: 'true', AlarmEmail: ALARM_EMAIL }), {
      httpApi: true,
      sns: true,
      alarmEmail: true,
    });
  });

  it('sets the documented environment by default', () => {
    expect(variablesOf(effective().Resources.McpFunction)).toEqual(ENVIRONMENT);
  });

  describe.each(VARIANTS)('and the CDK stack $name', ({ props, parameters }) => {
    const stack = synthesize(props);
    const template = effective(parameters);

    it('declare the same functions, with the same handlers, environment and settings', () => {
      const samFunctions = Object.entries(template.Resources).filter(
        ([, resource]) => resource.Type === 'AWS::Serverless::Function',
      );
      expect(samFunctions.map(([id]) => id).sort()).toEqual(
        cdkFunctions(stack)
          .map(([id]) => id)
          .sort(),
      );
      for (const [id, cdkFn] of cdkFunctions(stack)) {
        const samFn = template.Resources[id]?.Properties ?? {};
        expect(variablesOf(template.Resources[id]), id).toEqual(variablesOf(cdkFn));
        for (const key of ['Description', 'Handler', 'Runtime', 'Architectures', 'MemorySize', 'Timeout']) {
          expect(samFn[key], `${id}.${key}`).toEqual(cdkFn.Properties?.[key]);
        }
        expect(render(samFn.FunctionName), `${id}.FunctionName`).toEqual(
          render(cdkFn.Properties?.FunctionName),
        );
        expect(samFn.LoggingConfig, id).toEqual(cdkFn.Properties?.LoggingConfig);
        expect({ Mode: samFn.Tracing }, id).toEqual(cdkFn.Properties?.TracingConfig);
        // McpFunction's role is the one SAM generates; any other function names it.
        if (id !== IDS.function) expect(render(samFn.Role), id).toEqual(render(cdkFn.Properties?.Role));
      }
    });

    it('declare the same other resources, under the same logical ids, with the same properties', () => {
      const functionAndRole = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::IAM::Policy'];
      const cdkRest = Object.entries(stack.Resources).filter(([, r]) => !functionAndRole.includes(r.Type));
      const samRest = Object.entries(template.Resources).filter(
        ([, r]) => r.Type !== 'AWS::Serverless::Function',
      );
      expect(samRest.map(([id]) => id).sort()).toEqual(cdkRest.map(([id]) => id).sort());
      for (const [id, resource] of cdkRest) {
        const twin = template.Resources[id] as CfnResourceJson;
        expect(twin.Type, id).toBe(resource.Type);
        expect(render(twin.Properties), id).toEqual(render(resource.Properties));
        expect(twin.DeletionPolicy, id).toBe(resource.DeletionPolicy);
        expect(twin.UpdateReplacePolicy, id).toBe(resource.UpdateReplacePolicy);
      }
    });

    it('have the same outputs', () => {
      const values = (outputs: CfnTemplate['Outputs']) =>
        Object.fromEntries(Object.entries(outputs ?? {}).map(([key, o]) => [key, render(o)]));
      expect(values(template.Outputs)).toEqual(values(stack.Outputs));
    });
  });
});
