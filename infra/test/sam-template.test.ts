// template.yaml (AWS SAM) against the same expectations as the CDK stack, and against the synthesized stack
// itself: under the same settings both declare the same resources with the same logical ids and properties,
// the same function environment and exactly the same IAM statements, so neither can drift from the other.
import { readFileSync } from 'node:fs';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { DEFAULT_CODE_PATH, type McpStackProps } from '../lib/mcp-stack.js';
import {
  actionsOf,
  type CfnResourceJson,
  type CfnTemplate,
  ENVIRONMENT,
  expectStatements,
  expectTable,
  FUNCTION,
  only,
  PARAMETERS,
  policyStatements,
  removeSynthesized,
  render,
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
 * declares too (memory, timeout, key), stay as they are, to be compared with the stack's.
 */
function effective(overrides: Record<string, string> = {}): CfnTemplate {
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(sam.Parameters ?? {})) {
    if ('Default' in parameter && !(name in PARAMETERS)) values[name] = parameter.Default;
  }
  Object.assign(values, overrides);

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
  {
    name: 'with an AWS_IAM Function URL',
    props: { functionUrlAuthType: FunctionUrlAuthType.AWS_IAM },
    parameters: { FunctionUrlAuthType: 'AWS_IAM' },
  },
  {
    name: 'with origins, DEBUG logs and admin tools',
    props: { server: { allowedOrigins: ['https://app.example'], logLevel: 'DEBUG', adminTools: true } },
    parameters: { AllowedOrigins: 'https://app.example', LogLevel: 'DEBUG', AdminTools: 'true' },
  },
];

const cdk = synthesize();
afterAll(removeSynthesized);
const samFunction = () => sam.Resources.McpFunction?.Properties ?? {};
const samStatements = () =>
  (samFunction().Policies as { Statement: Statement[] }[]).flatMap((policy) => policy.Statement);
const cdkStatements = (t: CfnTemplate) =>
  policyStatements(t).filter(
    (statement) => !actionsOf(statement).every((action) => action.startsWith('xray:')),
  );

describe('template.yaml', () => {
  it('is an AWS SAM template', () => {
    expect(sam.Transform).toBe('AWS::Serverless-2016-10-31');
  });

  it('names each parameter and resource once, and refers only to what it declares', () => {
    const parameters = Object.keys(sam.Parameters ?? {});
    const resources = Object.keys(sam.Resources);
    // Parameters and resources share one namespace in CloudFormation.
    expect(parameters.filter((name) => resources.includes(name))).toEqual([]);
    const known = new Set([...parameters, ...resources]);
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

  it('runs the prebuilt bundle on nodejs22.x, arm64, with active tracing and parameterized memory and timeout', () => {
    const [id, fn] = only(sam, 'AWS::Serverless::Function');
    expect(id).toBe('McpFunction');
    expect(fn.Properties).toMatchObject({
      CodeUri: 'dist/lambda/http',
      Handler: FUNCTION.handler,
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

  it('declares the memory, timeout and key parameters exactly as the CDK stack', () => {
    for (const [name, expected] of Object.entries(PARAMETERS)) {
      expect(sam.Parameters?.[name], name).toMatchObject(expected);
      expect(sam.Parameters?.[name], name).toEqual(cdk.Parameters?.[name]);
    }
  });

  it('grants exactly the same statements as the CDK stack, plus X-Ray writes through Tracing', () => {
    expectStatements(samStatements());
    expect(samStatements().map(render)).toEqual(cdkStatements(cdk).map(render));
    const actions = (statements: Statement[]) => statements.flatMap(actionsOf).sort();
    expect(actions(samStatements())).toEqual(actions(cdkStatements(cdk)));
  });

  it('sets the documented environment by default', () => {
    expect(variablesOf(effective().Resources.McpFunction)).toEqual(ENVIRONMENT);
  });

  describe.each(VARIANTS)('and the CDK stack $name', ({ props, parameters }) => {
    const stack = synthesize(props);
    const template = effective(parameters);

    it('set the same function environment and settings', () => {
      const [, cdkFn] = only(stack, 'AWS::Lambda::Function');
      const samFn = template.Resources.McpFunction?.Properties ?? {};
      expect(variablesOf(template.Resources.McpFunction)).toEqual(variablesOf(cdkFn));
      for (const key of ['Description', 'Handler', 'Runtime', 'Architectures', 'MemorySize', 'Timeout']) {
        expect(samFn[key], key).toEqual(cdkFn.Properties?.[key]);
      }
      expect(samFn.LoggingConfig).toEqual(cdkFn.Properties?.LoggingConfig);
      expect({ Mode: samFn.Tracing }).toEqual(cdkFn.Properties?.TracingConfig);
    });

    it('declare the same other resources, under the same logical ids, with the same properties', () => {
      const functionAndRole = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::IAM::Policy'];
      const cdkRest = Object.entries(stack.Resources).filter(([, r]) => !functionAndRole.includes(r.Type));
      const samRest = Object.entries(template.Resources).filter(([id]) => id !== 'McpFunction');
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
