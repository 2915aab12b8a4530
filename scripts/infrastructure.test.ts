// scripts/setup-infrastructure.sh and scripts/cleanup-infrastructure.sh, run against a recording stand-in
// `aws` first on PATH (each call's argv logged as one JSON line, answers from a small state file): the exact
// AWS commands, the env file written (the AUTH_* settings from --auth-issuer or a deployed stack's outputs
// included), idempotence, --dry-run, and shellcheck on both scripts.

import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createTableInput } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOutput } from '../test/support/collect-output.js';
import { shellcheck, shouldLintShell } from './shellcheck.js';

const ROOT = resolve(import.meta.dirname, '..');
const SETUP = join(ROOT, 'scripts/setup-infrastructure.sh');
const CLEANUP = join(ROOT, 'scripts/cleanup-infrastructure.sh');
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const TABLE_NAME = 'lambda-mcp-sessions';
const ROLE = 'lambda-mcp-function';
const POLICY_NAME = 'lambda-mcp-access';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE_NAME}`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:lambda-mcp-notifications`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;

/**
 * The stand-in `aws`: appends its argv to $FAKE_AWS_LOG and answers from $FAKE_AWS_STATE the way the AWS CLI
 * does (the `--query ... --output text` values the scripts ask for; not-found errors on stderr, exit 254).
 * `errors` in the state makes a command fail with the given code. An unknown command exits 2.
 */
const STAND_IN = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_AWS_LOG, JSON.stringify(args) + '\n');
const statePath = process.env.FAKE_AWS_STATE;
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
const opt = (name) => (args.indexOf(name) < 0 ? undefined : args[args.indexOf(name) + 1]);
const print = (text) => process.stdout.write(text + '\n');
const fail = (code, operation, message, status = 254) => {
  process.stderr.write('\nAn error occurred (' + code + ') when calling the ' + operation + ' operation: ' + message + '\n');
  process.exit(status);
};
const command = args[0] + ' ' + args[1];
if (state.errors && state.errors[command]) fail(state.errors[command], command, 'injected by the test');
const table = (operation, code = 'ResourceNotFoundException') => {
  const found = state.tables[opt('--table-name')];
  if (!found) fail(code, operation, 'Requested resource not found: Table: ' + opt('--table-name') + ' not found');
  return found;
};
const role = (operation) => {
  const found = state.roles[opt('--role-name')];
  if (!found) fail('NoSuchEntity', operation, 'The role with name ' + opt('--role-name') + ' cannot be found.');
  return found;
};
switch (command) {
  case 'sts get-caller-identity':
    print('arn:aws:iam::' + state.account + ':user/tester');
    break;
  case 'configure get':
    if (!state.configuredRegion) process.exit(1);
    print(state.configuredRegion);
    break;
  case 'dynamodb describe-table':
    table('DescribeTable');
    print('ACTIVE');
    break;
  case 'dynamodb create-table': {
    const input = JSON.parse(opt('--cli-input-json'));
    if (state.tables[input.TableName]) fail('ResourceInUseException', 'CreateTable', 'Table already exists');
    state.tables[input.TableName] = { region: opt('--region'), ttl: null, pitr: false };
    save();
    print(JSON.stringify({ TableDescription: { TableName: input.TableName, TableStatus: 'CREATING' } }));
    break;
  }
  case 'dynamodb wait':
    if (Boolean(state.tables[opt('--table-name')]) !== (args[2] === 'table-exists')) {
      fail('WaiterError', args[2], 'Max attempts exceeded', 255);
    }
    break;
  case 'dynamodb describe-time-to-live':
    print(table('DescribeTimeToLive').ttl || 'None');
    break;
  case 'dynamodb update-time-to-live':
    table('UpdateTimeToLive').ttl = /AttributeName=([^,]+)/.exec(opt('--time-to-live-specification'))[1];
    save();
    break;
  case 'dynamodb describe-continuous-backups':
    print(table('DescribeContinuousBackups', 'TableNotFoundException').pitr ? 'ENABLED' : 'DISABLED');
    break;
  case 'dynamodb update-continuous-backups':
    table('UpdateContinuousBackups', 'TableNotFoundException').pitr = true;
    save();
    break;
  case 'dynamodb delete-table':
    table('DeleteTable');
    delete state.tables[opt('--table-name')];
    save();
    break;
  case 'sns get-topic-attributes':
    if (!state.topics.includes(opt('--topic-arn'))) fail('NotFound', 'GetTopicAttributes', 'Topic does not exist');
    print(opt('--topic-arn'));
    break;
  case 'sns create-topic': {
    const arn = 'arn:aws:sns:' + opt('--region') + ':' + state.account + ':' + opt('--name');
    if (!state.topics.includes(arn)) state.topics.push(arn);
    save();
    print(JSON.stringify({ TopicArn: arn }));
    break;
  }
  case 'sns delete-topic':
    state.topics = state.topics.filter((arn) => arn !== opt('--topic-arn'));
    save();
    break;
  case 'cloudformation describe-stacks': {
    const outputs = (state.stacks || {})[opt('--stack-name')];
    if (!outputs) fail('ValidationError', 'DescribeStacks', 'Stack with id ' + opt('--stack-name') + ' does not exist');
    if (opt('--query') !== 'Stacks[0].Outputs' || opt('--output') !== 'json') process.exit(2);
    print(JSON.stringify(outputs, null, 4));
    break;
  }
  case 'iam get-role':
    print(role('GetRole').arn);
    break;
  case 'iam create-role': {
    const name = opt('--role-name');
    if (state.roles[name]) fail('EntityAlreadyExists', 'CreateRole', 'Role with name ' + name + ' already exists.');
    const arn = 'arn:aws:iam::' + state.account + ':role/' + name;
    state.roles[name] = { arn, trust: JSON.parse(opt('--assume-role-policy-document')), policies: {} };
    save();
    print(JSON.stringify({ Role: { RoleName: name, Arn: arn } }));
    break;
  }
  case 'iam wait':
    if (!state.roles[opt('--role-name')]) fail('WaiterError', args[2], 'Max attempts exceeded', 255);
    break;
  case 'iam get-role-policy': {
    const policy = role('GetRolePolicy').policies[opt('--policy-name')];
    if (!policy) fail('NoSuchEntity', 'GetRolePolicy', 'The role policy with name ' + opt('--policy-name') + ' cannot be found.');
    print(opt('--query') === 'PolicyName' ? opt('--policy-name') : JSON.stringify(policy, null, 4));
    break;
  }
  case 'iam put-role-policy':
    role('PutRolePolicy').policies[opt('--policy-name')] = JSON.parse(opt('--policy-document'));
    save();
    break;
  case 'iam delete-role-policy': {
    const found = role('DeleteRolePolicy');
    if (!found.policies[opt('--policy-name')]) fail('NoSuchEntity', 'DeleteRolePolicy', 'The role policy cannot be found.');
    delete found.policies[opt('--policy-name')];
    save();
    break;
  }
  case 'iam delete-role':
    if (Object.keys(role('DeleteRole').policies).length) {
      fail('DeleteConflict', 'DeleteRole', 'Cannot delete entity, must delete policies first.');
    }
    delete state.roles[opt('--role-name')];
    save();
    break;
  default:
    process.stderr.write('stand-in aws: unexpected command: ' + args.join(' ') + '\n');
    process.exit(2);
}
`;

interface AwsState {
  account: string;
  configuredRegion?: string;
  tables: Record<string, { region: string; ttl: string | null; pitr: boolean }>;
  topics: string[];
  roles: Record<string, { arn: string; trust: unknown; policies: Record<string, unknown> }>;
  /** Deployed stacks' outputs, by stack name, as describe-stacks lists them. */
  stacks?: Record<string, { OutputKey: string; OutputValue: string; Description?: string }[]>;
  errors?: Record<string, string>;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The AWS commands of this run, in order, each without the leading `aws`. */
  commands: string[][];
}

let base: string;
let bin: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lambda-mcp-infra-'));
  bin = join(base, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'aws'), STAND_IN);
  chmodSync(join(bin, 'aws'), 0o755);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

let workspaces = 0;

/** A fresh directory (the scripts' working directory, so `.env` lands there) with its own AWS state. */
function workspace(state: Partial<AwsState> = {}) {
  const dir = join(base, `ws${++workspaces}`);
  mkdirSync(dir);
  const statePath = join(dir, 'aws-state.json');
  const logPath = join(dir, 'aws-log.jsonl');
  writeFileSync(statePath, JSON.stringify({ account: ACCOUNT, tables: {}, topics: [], roles: {}, ...state }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    FAKE_AWS_STATE: statePath,
    FAKE_AWS_LOG: logPath,
  };
  for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete env[key];
  return {
    dir,
    envFile: join(dir, '.env'),
    state: (): AwsState => JSON.parse(readFileSync(statePath, 'utf8')),
    setState: (next: AwsState) => writeFileSync(statePath, JSON.stringify(next)),
    /** Runs a script with stdin not a terminal; `commands` holds only this run's AWS calls. */
    run(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
      writeFileSync(logPath, '');
      const child = spawn(script, args, {
        cwd: dir,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return collectOutput(child).then((output) => ({
        ...output,
        commands: readFileSync(logPath, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as string[]),
      }));
    },
  };
}

/** A command as the scripts print it: plain words bare, anything else single-quoted. */
function shellWords(argv: string[]): string {
  return argv
    .map((arg) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

/** The `+ aws ...` lines a script printed. */
function printedChanges(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('+ '));
}

/** IAM actions of the DocumentClient commands lambda-mcp's stores send (sessions, events, mailbox, tasks). */
function storeActions(): string[] {
  const iamAction: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    Query: 'Query',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
  };
  const names = new Set<string>();
  // Every store module (global-log: published events, in the same table, GLOBAL#<bucket> and GLOBALID#<id>),
  // but the local-development ones: ensure-table (CreateTable on a local endpoint) and dynalite.
  const dir = join(ROOT, 'packages/lambda-mcp/src/dynamodb');
  const local = new Set(['ensure-table.ts', 'dynalite.ts']);
  for (const file of readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !local.has(f),
  )) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, name] of source.matchAll(/new (\w+)Command\(/g)) names.add(name as string);
  }
  return [...names].map((name) => {
    const action = iamAction[name];
    if (!action)
      throw new Error(`a store sends ${name}Command: add its IAM action to the policy and this map`);
    return `dynamodb:${action}`;
  });
}

/** IAM actions of the SDK commands the monitor's services send (each file is named for its service prefix). */
function monitorActions(): string[] {
  const actions = new Set<string>();
  for (const service of ['dynamodb', 'ec2', 'lambda', 'sqs']) {
    const file = join(ROOT, `examples/aws-monitor/src/monitor/services/${service}.ts`);
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/new (\w+)Command\(/g)) {
      actions.add(`${service}:${name}`);
    }
  }
  return [...actions];
}

const sorted = (values: string[]) => [...values].sort();

/** The role's inline policy as the scripts must write it (with a function name, its self-invocation). */
function expectedPolicy(topicArn?: string, functionName?: string): string {
  const logs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SessionTable',
        Effect: 'Allow',
        Action: sorted(storeActions()),
        Resource: [TABLE_ARN, `${TABLE_ARN}/index/*`],
      },
      { Sid: 'MonitorReadOnly', Effect: 'Allow', Action: sorted(monitorActions()), Resource: '*' },
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [logs, `${logs}:*`],
      },
      {
        Sid: 'XRay',
        Effect: 'Allow',
        Action: [
          'xray:GetSamplingRules',
          'xray:GetSamplingStatisticSummaries',
          'xray:GetSamplingTargets',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ],
        Resource: '*',
      },
      ...(topicArn
        ? [{ Sid: 'Notifications', Effect: 'Allow', Action: ['sns:Publish'], Resource: topicArn }]
        : []),
      ...(functionName
        ? [
            {
              Sid: 'SelfInvoke',
              Effect: 'Allow',
              Action: ['lambda:InvokeFunction'],
              Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
            },
          ]
        : []),
    ],
  });
}

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

const CALLER = ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'];
const TABLE_OPTS = ['--table-name', TABLE_NAME, '--region', REGION];
const DESCRIBE_TABLE = [
  'dynamodb',
  'describe-table',
  ...TABLE_OPTS,
  '--query',
  'Table.TableStatus',
  '--output',
  'text',
];
const GET_ROLE = ['iam', 'get-role', '--role-name', ROLE, '--query', 'Role.Arn', '--output', 'text'];
const GET_TOPIC = [
  ...['sns', 'get-topic-attributes', '--topic-arn', TOPIC_ARN, '--region', REGION],
  ...['--query', 'Attributes.TopicArn', '--output', 'text'],
];

/** What a first run changes, in order, up to the role (the topic comes between, with --with-sns). */
const CREATE_TABLE = [
  [
    'dynamodb',
    'create-table',
    '--region',
    REGION,
    '--cli-input-json',
    JSON.stringify(createTableInput(TABLE_NAME)),
  ],
  ['dynamodb', 'wait', 'table-exists', ...TABLE_OPTS],
  [
    'dynamodb',
    'update-time-to-live',
    ...TABLE_OPTS,
    '--time-to-live-specification',
    'Enabled=true,AttributeName=ttl',
  ],
  [
    ...['dynamodb', 'update-continuous-backups', ...TABLE_OPTS],
    ...['--point-in-time-recovery-specification', 'PointInTimeRecoveryEnabled=true'],
  ],
];
const CREATE_ROLE = [
  [
    ...['iam', 'create-role', '--role-name', ROLE, '--assume-role-policy-document', TRUST_POLICY],
    ...['--description', 'lambda-mcp function: session table, read-only monitor, logs, X-Ray'],
  ],
  ['iam', 'wait', 'role-exists', '--role-name', ROLE],
];
const putPolicy = (topicArn?: string) => [
  ...['iam', 'put-role-policy', '--role-name', ROLE, '--policy-name', POLICY_NAME],
  ...['--policy-document', expectedPolicy(topicArn)],
];
/** What setup prints with a topic: the permission and subscription a deployed function needs (not run). */
const SUBSCRIBE_HINT = [
  "To deliver the topic's messages to your function once it is deployed (FUNCTION_ARN=its ARN):",
  '  aws lambda add-permission --function-name "$FUNCTION_ARN" --statement-id sns-lambda-mcp-notifications ' +
    `--action lambda:InvokeFunction --principal sns.amazonaws.com --source-arn ${TOPIC_ARN} --region ${REGION}`,
  `  aws sns subscribe --topic-arn ${TOPIC_ARN} --protocol lambda --notification-endpoint "$FUNCTION_ARN" ` +
    `--region ${REGION}`,
];
const FIRST_RUN = [CALLER, DESCRIBE_TABLE, ...CREATE_TABLE, GET_ROLE, ...CREATE_ROLE, putPolicy()];
const FIRST_RUN_CHANGES = [...CREATE_TABLE, ...CREATE_ROLE, putPolicy()];
const SECOND_RUN = [
  CALLER,
  DESCRIBE_TABLE,
  [
    ...['dynamodb', 'describe-time-to-live', ...TABLE_OPTS],
    ...['--query', 'TimeToLiveDescription.AttributeName', '--output', 'text'],
  ],
  [
    ...['dynamodb', 'describe-continuous-backups', ...TABLE_OPTS],
    ...['--query', 'ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus'],
    ...['--output', 'text'],
  ],
  GET_ROLE,
  [
    ...['iam', 'get-role-policy', '--role-name', ROLE, '--policy-name', POLICY_NAME],
    ...['--query', 'PolicyDocument', '--output', 'json'],
  ],
];

const config = JSON.parse(readFileSync(join(ROOT, 'examples/aws-monitor/data/mcp_config.json'), 'utf8'));

/** The env file's settings (comments left out), with the generated key checked and replaced by KEY. */
function envSettings(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => (/^MCP_REQUEST_STATE_KEY=[0-9a-f]{64}$/.test(line) ? 'MCP_REQUEST_STATE_KEY=KEY' : line));
}

function expectedEnv(topicArn?: string): string[] {
  return [
    'STORE=dynamodb',
    `SESSION_TABLE_NAME=${TABLE_NAME}`,
    `AWS_REGION=${REGION}`,
    ...(topicArn ? [`SNS_TOPIC_ARN=${topicArn}`] : []),
    `LAMBDA_ROLE_ARN=${ROLE_ARN}`,
    'MCP_REQUEST_STATE_KEY=KEY',
    `SESSION_IDLE_SECONDS=${config.sessionIdleSeconds}`,
    'ALLOWED_ORIGINS=',
    `ENABLE_COMPRESSION=${config.enableCompression}`,
    `MAX_RESPONSE_SIZE_MB=${config.maxResponseSizeMb ?? ''}`,
    `LOG_LEVEL=${config.logLevel}`,
    `ADMIN_TOOLS=${config.adminTools}`,
  ];
}

describe('setup-infrastructure.sh', { timeout: 120_000 }, () => {
  it('a first run with --no-sns checks, then creates the table, TTL, PITR, the role and its policy, in order', async ({
    expect,
  }) => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.commands).toEqual(FIRST_RUN);
    expect(printedChanges(run.stdout)).toEqual(
      FIRST_RUN_CHANGES.map((argv) => `+ ${shellWords(['aws', ...argv])}`),
    );
    expect(ws.state()).toEqual({
      account: ACCOUNT,
      tables: { [TABLE_NAME]: { region: REGION, ttl: 'ttl', pitr: true } },
      topics: [],
      roles: {
        [ROLE]: {
          arn: ROLE_ARN,
          trust: JSON.parse(TRUST_POLICY),
          policies: { [POLICY_NAME]: JSON.parse(expectedPolicy()) },
        },
      },
    });
    expect(run.stdout).toMatch(/^Done: created 6, updated 0, 0 already in place\.$/m);
  });

  it('creates the table with exactly createTableInput(name) from lambda-mcp/dynamodb', async () => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION, '--table', 'other-table']);
    expect(run.code).toBe(0);
    const create = run.commands.find((argv) => argv[1] === 'create-table');
    expect(create?.slice(0, 5)).toEqual(['dynamodb', 'create-table', '--region', REGION, '--cli-input-json']);
    expect(JSON.parse(create?.[5] ?? '')).toEqual(createTableInput('other-table'));
    expect(envSettings(ws.envFile)).toContain('SESSION_TABLE_NAME=other-table');
  });

  it("grants the stores' item actions on the table and its index, the monitor's reads, logs and X-Ray", async ({
    expect,
  }) => {
    const ws = workspace();
    await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    const policy = ws.state().roles[ROLE]?.policies[POLICY_NAME] as {
      Statement: Array<Record<string, unknown>>;
    };
    const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid);
    expect(statement('SessionTable')?.Action).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(statement('SessionTable')?.Resource).toEqual([TABLE_ARN, `${TABLE_ARN}/index/*`]);
    expect(statement('MonitorReadOnly')?.Action).toEqual([
      'dynamodb:DescribeTable',
      'dynamodb:ListTables',
      'dynamodb:ListTagsOfResource',
      'ec2:DescribeInstances',
      'lambda:ListFunctions',
      'lambda:ListTags',
      'sqs:GetQueueAttributes',
      'sqs:ListQueueTags',
      'sqs:ListQueues',
    ]);
    // Nothing but List/Describe/Get for the monitor, and no sns:Publish without a topic.
    expect(
      ((statement('MonitorReadOnly')?.Action ?? []) as string[]).every((a) => /:(List|Describe|Get)/.test(a)),
    ).toBe(true);
    expect(statement('Notifications')).toBeUndefined();
  });

  it('writes an env file with every variable the server reads, a 64-hex MCP_REQUEST_STATE_KEY, mode 600', async ({
    expect,
  }) => {
    const ws = workspace();
    await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(envSettings(ws.envFile)).toEqual(expectedEnv());
    expect(readFileSync(ws.envFile, 'utf8')).toMatch(/^MCP_REQUEST_STATE_KEY=[0-9a-f]{64}$/m);
    expect(statSync(ws.envFile).mode & 0o777).toBe(0o600);
  });

  it('with --with-sns also creates the topic, allows sns:Publish on it only, and names it in the env file', async ({
    expect,
  }) => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--with-sns', '--region', REGION]);
    expect(run.code).toBe(0);
    const createTopic = ['sns', 'create-topic', '--name', 'lambda-mcp-notifications', '--region', REGION];
    expect(run.commands).toEqual([
      CALLER,
      DESCRIBE_TABLE,
      ...CREATE_TABLE,
      GET_TOPIC,
      createTopic,
      GET_ROLE,
      ...CREATE_ROLE,
      putPolicy(TOPIC_ARN),
    ]);
    expect(ws.state().topics).toEqual([TOPIC_ARN]);
    expect(envSettings(ws.envFile)).toEqual(expectedEnv(TOPIC_ARN));
    // No function, so no subscription: the commands that make one are printed, last.
    expect(run.stdout.trimEnd().split('\n').slice(-3)).toEqual(SUBSCRIBE_HINT);

    // Run again without a flag: the env file's topic is kept, nothing is created.
    const again = await ws.run(SETUP, []);
    expect(again.commands).toEqual([...SECOND_RUN.slice(0, 4), GET_TOPIC, ...SECOND_RUN.slice(4)]);
    expect(again.stdout).toMatch(/^Nothing changed: /m);
    expect(again.stdout.trimEnd().split('\n').slice(-3)).toEqual(SUBSCRIBE_HINT);
  });

  it('--no-sns after --with-sns drops the topic from the env file and the policy, and keeps the topic', async () => {
    const ws = workspace();
    await ws.run(SETUP, ['--with-sns', '--region', REGION]);
    const run = await ws.run(SETUP, ['--no-sns']);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([...SECOND_RUN, putPolicy()]);
    expect(envSettings(ws.envFile)).toEqual(expectedEnv());
    expect(ws.state().topics).toEqual([TOPIC_ARN]);
    expect(run.stdout).toContain(`note: --no-sns drops SNS topic ${TOPIC_ARN}`);
    expect(run.stdout).not.toContain('aws sns subscribe');
  });

  it('a second run only checks, changes nothing, keeps the key and says so', async () => {
    const ws = workspace();
    await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    const before = readFileSync(ws.envFile, 'utf8');
    const state = ws.state();
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual(SECOND_RUN);
    expect(run.commands.filter((argv) => /^(create|put|update|delete|wait)/.test(argv[1] ?? ''))).toEqual([]);
    expect(printedChanges(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/^Nothing changed: all 6 resources and settings were already in place\.$/m);
    expect(readFileSync(ws.envFile, 'utf8')).toBe(before);
    expect(ws.state()).toEqual(state);
  });

  it("keeps an existing env file's key and edited settings, rewriting only the table, region, topic and role", async ({
    expect,
  }) => {
    const ws = workspace();
    const key = 'ab'.repeat(32);
    writeFileSync(
      ws.envFile,
      `# mine\nLOG_LEVEL=DEBUG\nAWS_REGION=us-east-1\nEXTRA=1\nMCP_REQUEST_STATE_KEY=${key}\n`,
    );
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(run.code).toBe(0);
    expect(readFileSync(ws.envFile, 'utf8').split('\n')).toEqual([
      '# mine',
      'LOG_LEVEL=DEBUG',
      `AWS_REGION=${REGION}`,
      'EXTRA=1',
      `MCP_REQUEST_STATE_KEY=${key}`,
      'STORE=dynamodb',
      `SESSION_TABLE_NAME=${TABLE_NAME}`,
      `LAMBDA_ROLE_ARN=${ROLE_ARN}`,
      `SESSION_IDLE_SECONDS=${config.sessionIdleSeconds}`,
      'ALLOWED_ORIGINS=',
      `ENABLE_COMPRESSION=${config.enableCompression}`,
      `MAX_RESPONSE_SIZE_MB=${config.maxResponseSizeMb ?? ''}`,
      `ADMIN_TOOLS=${config.adminTools}`,
      '',
    ]);
    expect(run.stdout).toContain('updated: env file .env');
  });

  it('takes the region from AWS_REGION, else from `aws configure get region`, else stops', async ({
    expect,
  }) => {
    const fromEnv = workspace();
    const run = await fromEnv.run(SETUP, ['--no-sns'], { AWS_REGION: REGION });
    expect(run.commands).toEqual(FIRST_RUN);

    const configured = workspace({ configuredRegion: REGION });
    const run2 = await configured.run(SETUP, ['--no-sns']);
    expect(run2.commands).toEqual([['configure', 'get', 'region'], ...FIRST_RUN]);
    expect(envSettings(configured.envFile)).toContain(`AWS_REGION=${REGION}`);

    const none = workspace();
    const run3 = await none.run(SETUP, ['--no-sns']);
    expect(run3.code).toBe(1);
    expect(run3.stderr).toContain('pass --region or set AWS_REGION');
    expect(run3.commands).toEqual([['configure', 'get', 'region']]);
  });

  it('--dry-run runs only the read-only checks, prints each change as "+ aws ...", and writes nothing', async ({
    expect,
  }) => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--dry-run', '--no-sns', '--region', REGION]);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([CALLER, DESCRIBE_TABLE, GET_ROLE]);
    expect(printedChanges(run.stdout)).toEqual(
      FIRST_RUN_CHANGES.map((argv) => `+ ${shellWords(['aws', ...argv])}`),
    );
    expect(printedChanges(run.stdout)[0]).toMatch(
      /^\+ aws dynamodb create-table --region eu-west-1 --cli-input-json '\{/,
    );
    expect(existsSync(ws.envFile)).toBe(false);
    expect(ws.state()).toEqual({ account: ACCOUNT, tables: {}, topics: [], roles: {} });
    expect(run.stdout).toMatch(/^Dry run: nothing was changed; would create 6, update 0 \(7 AWS commands/m);

    // After a real run, a dry run finds nothing to do.
    await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    const after = await ws.run(SETUP, ['--dry-run', '--no-sns', '--region', REGION]);
    expect(after.commands).toEqual(SECOND_RUN);
    expect(printedChanges(after.stdout)).toEqual([]);
    expect(after.stdout).toMatch(/^Nothing changed: /m);
  });

  it('stops on an AWS error other than not-found, printing it, before changing anything', async ({
    expect,
  }) => {
    const ws = workspace({ errors: { 'dynamodb describe-table': 'AccessDeniedException' } });
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(run.code).toBe(1);
    expect(run.commands).toEqual([CALLER, DESCRIBE_TABLE]);
    expect(run.stderr).toContain('(AccessDeniedException)');
    expect(existsSync(ws.envFile)).toBe(false);
  });
});

describe('cleanup-infrastructure.sh', { timeout: 120_000 }, () => {
  /** A workspace after `setup --with-sns`. */
  async function setUp() {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--with-sns', '--region', REGION]);
    if (run.code !== 0) throw new Error(`setup failed: ${run.stderr}`);
    return ws;
  }
  const GET_POLICY_NAME = [
    ...['iam', 'get-role-policy', '--role-name', ROLE, '--policy-name', POLICY_NAME],
    ...['--query', 'PolicyName', '--output', 'text'],
  ];
  const DELETIONS = [
    ['iam', 'delete-role-policy', '--role-name', ROLE, '--policy-name', POLICY_NAME],
    ['iam', 'delete-role', '--role-name', ROLE],
    ['sns', 'delete-topic', '--topic-arn', TOPIC_ARN, '--region', REGION],
    ['dynamodb', 'delete-table', ...TABLE_OPTS],
    ['dynamodb', 'wait', 'table-not-exists', ...TABLE_OPTS],
  ];

  it("with --yes deletes the role's policy, the role, the env file's topic and the table, in order", async ({
    expect,
  }) => {
    const ws = await setUp();
    const run = await ws.run(CLEANUP, ['--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([
      DESCRIBE_TABLE,
      GET_ROLE,
      GET_POLICY_NAME,
      ...DELETIONS.slice(0, 2),
      GET_TOPIC,
      ...DELETIONS.slice(2),
    ]);
    expect(printedChanges(run.stdout)).toEqual(DELETIONS.map((argv) => `+ ${shellWords(['aws', ...argv])}`));
    expect(ws.state()).toEqual({ account: ACCOUNT, tables: {}, topics: [], roles: {} });
    expect(existsSync(ws.envFile)).toBe(true);
    expect(run.stdout).toMatch(/^Done: deleted 4, 0 already gone\.$/m);
  });

  it('a second run deletes nothing and reports everything as already gone', async () => {
    const ws = await setUp();
    await ws.run(CLEANUP, ['--yes']);
    const run = await ws.run(CLEANUP, ['--yes']);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([DESCRIBE_TABLE, GET_ROLE, GET_TOPIC]);
    expect(run.stdout).toContain(`already gone: IAM role ${ROLE}`);
    expect(run.stdout).toContain(`already gone: SNS topic ${TOPIC_ARN}`);
    expect(run.stdout).toContain(`already gone: table ${TABLE_NAME}`);
    expect(run.stdout).toMatch(/^Nothing changed: nothing left to delete \(3 already gone\)\.$/m);
  });

  it('without a terminal and without --yes it stops before deleting anything', async () => {
    const ws = await setUp();
    const state = ws.state();
    const run = await ws.run(CLEANUP, []);
    expect(run.code).toBe(1);
    expect(run.commands).toEqual([DESCRIBE_TABLE]);
    expect(run.stderr).toContain('pass --yes');
    expect(ws.state()).toEqual(state);
  });

  it('--dry-run runs only the checks, prints each deletion as "+ aws ...", and deletes nothing', async ({
    expect,
  }) => {
    const ws = await setUp();
    const state = ws.state();
    const run = await ws.run(CLEANUP, ['--dry-run', '--remove-env']);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([DESCRIBE_TABLE, GET_ROLE, GET_POLICY_NAME, GET_TOPIC]);
    expect(printedChanges(run.stdout)).toEqual(DELETIONS.map((argv) => `+ ${shellWords(['aws', ...argv])}`));
    expect(run.stdout).toContain('would delete: env file .env');
    expect(ws.state()).toEqual(state);
    expect(existsSync(ws.envFile)).toBe(true);
  });

  it('--remove-env deletes the env file, and a second run reports it gone', async () => {
    const ws = await setUp();
    const run = await ws.run(CLEANUP, ['--yes', '--remove-env']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('deleted: env file .env');
    expect(existsSync(ws.envFile)).toBe(false);
    // Without the env file, the defaults name the same table and role; the topic is unknown.
    const again = await ws.run(CLEANUP, ['--yes', '--remove-env', '--region', REGION]);
    expect(again.commands).toEqual([DESCRIBE_TABLE, GET_ROLE]);
    expect(again.stdout).toContain('already gone: env file .env');
  });
});

describe('the infrastructure scripts', () => {
  it.runIf(shouldLintShell())('pass shellcheck -x', () => {
    const { output, status } = shellcheck([SETUP, CLEANUP], ROOT);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('are executable, strict (set -euo pipefail), and source the one shared helper file', () => {
    for (const path of [SETUP, CLEANUP]) {
      const text = readFileSync(path, 'utf8');
      expect(statSync(path).mode & 0o111).toBe(0o111);
      expect(text).toMatch(/^#!\/usr\/bin\/env bash\n(#.*\n)+set -euo pipefail\n/);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash parameter expansion, not a JS template.
      expect(text).toContain('source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"');
    }
    expect(readFileSync(join(ROOT, 'scripts/infra-common.sh'), 'utf8')).toContain('aws_check()');
  });
});

/** A deployed McpStack's outputs, as CloudFormation lists them, from name/value pairs. */
function outputs(values: Record<string, string>) {
  return Object.entries(values).map(([OutputKey, OutputValue]) => ({
    OutputKey,
    OutputValue,
    Description: '',
  }));
}
const POOL = 'eu-west-1_AbCdEf123';
const COGNITO_ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const TOKEN_URL = `https://lambda-mcp-0f1e2d3c.auth.${REGION}.amazoncognito.com/oauth2/token`;
/** The outputs of a stack deployed with auth=cognito (infra/lib/auth.ts names them). */
const COGNITO_STACK = outputs({
  FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
  TableName: 'LambdaMcp-SessionTable-XYZ',
  AuthIssuer: COGNITO_ISSUER,
  UserPoolId: POOL,
  TokenUrl: TOKEN_URL,
  AgentClientId: 'agentclient123',
  PublicClientId: 'publicclient456',
  AuthClientIds: 'agentclient123,publicclient456',
  AuthRequiredScopes: 'lambda-mcp/mcp:tools',
  AuthAdminScope: 'lambda-mcp/mcp:admin',
});
/** What --from-stack writes for that stack, in the env file's order. */
const COGNITO_ENV = [
  `AUTH_ISSUER=${COGNITO_ISSUER}`,
  'AUTH_CLIENT_IDS=agentclient123,publicclient456',
  'AUTH_REQUIRED_SCOPES=lambda-mcp/mcp:tools',
  'AUTH_ADMIN_SCOPE=lambda-mcp/mcp:admin',
  `AUTH_TOKEN_URL=${TOKEN_URL}`,
  'AUTH_AGENT_CLIENT_ID=agentclient123',
  'AUTH_PUBLIC_CLIENT_ID=publicclient456',
];
const describeStack = (name: string) => [
  ...['cloudformation', 'describe-stacks', '--stack-name', name, '--region', REGION],
  ...['--query', 'Stacks[0].Outputs', '--output', 'json'],
];
/** expectedEnv() with the auth lines inserted where the script puts them (after the owned keys). */
function envWithAuth(auth: string[]): string[] {
  const base = expectedEnv();
  const at = base.indexOf(`LAMBDA_ROLE_ARN=${ROLE_ARN}`) + 1;
  return [...base.slice(0, at), ...auth, ...base.slice(at)];
}
const NO_AUTH_NOTE = 'note: no AUTH_ISSUER in .env: the server takes requests without a token';

describe('setup-infrastructure.sh: auth settings', { timeout: 120_000 }, () => {
  it('reads only outputs that template.yaml declares (the CDK stack has the same, infra/test checks)', () => {
    const template = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
    const declared = new Set(
      [...(template.split(/^Outputs:$/m)[1] ?? '').matchAll(/^ {2}(\w+):$/gm)].map((match) => match[1]),
    );
    const script = readFileSync(SETUP, 'utf8');
    const read = [...script.matchAll(/\bAUTH_\w+=(\w+)/g)].map((match) => match[1] as string);
    expect(read.sort()).toEqual(
      [
        'AgentClientId',
        'AuthAdminScope',
        'AuthAudience',
        'AuthClientIds',
        'AuthIssuer',
        'AuthRequiredScopes',
        'PublicClientId',
        'TokenUrl',
      ].sort(),
    );
    for (const output of [...read, 'PublicEndpointWarning']) expect(declared, output).toContain(output);
  });

  it("--from-stack writes the Cognito stack's issuer, clients, scopes and token URL, read before any change", async () => {
    const ws = workspace({ stacks: { LambdaMcp: COGNITO_STACK } });
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION, '--from-stack', 'LambdaMcp']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([CALLER, describeStack('LambdaMcp'), ...FIRST_RUN.slice(1)]);
    expect(envSettings(ws.envFile)).toEqual(envWithAuth(COGNITO_ENV));
    expect(run.stdout).toContain('read: auth settings of stack LambdaMcp');
    expect(run.stdout).not.toContain(NO_AUTH_NOTE);
    // The stack's table is not taken: the script's own table is the one it creates and cleanup deletes.
    expect(envSettings(ws.envFile)).toContain(`SESSION_TABLE_NAME=${TABLE_NAME}`);

    // Again without an auth option: the settings are kept, the stack is not read, nothing changes.
    const again = await ws.run(SETUP, ['--no-sns']);
    expect(again.commands).toEqual(SECOND_RUN);
    expect(envSettings(ws.envFile)).toEqual(envWithAuth(COGNITO_ENV));
    expect(again.stdout).toMatch(/^Nothing changed: /m);
  });

  it('--from-stack with --auth-audience adds AUTH_AUDIENCE; a stack with an external issuer gives only that', async () => {
    const ws = workspace({ stacks: { LambdaMcp: COGNITO_STACK } });
    await ws.run(SETUP, [
      '--no-sns',
      '--region',
      REGION,
      '--from-stack',
      'LambdaMcp',
      '--auth-audience',
      'aud-1',
    ]);
    const [issuer, ...rest] = COGNITO_ENV;
    expect(envSettings(ws.envFile)).toEqual(envWithAuth([issuer as string, 'AUTH_AUDIENCE=aud-1', ...rest]));

    const external = workspace({
      stacks: {
        Ext: outputs({
          FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/',
          AuthIssuer: 'https://login.example.com/tenant',
          AuthAudience: 'https://mcp.example.com/mcp',
        }),
      },
    });
    const run = await external.run(SETUP, ['--no-sns', '--region', REGION, '--from-stack', 'Ext']);
    expect(run.code).toBe(0);
    expect(envSettings(external.envFile)).toEqual(
      envWithAuth([
        'AUTH_ISSUER=https://login.example.com/tenant',
        'AUTH_AUDIENCE=https://mcp.example.com/mcp',
      ]),
    );
  });

  it('--auth-issuer and --auth-audience replace every earlier auth setting; --no-auth drops them all', async () => {
    const ws = workspace({ stacks: { LambdaMcp: COGNITO_STACK } });
    await ws.run(SETUP, ['--no-sns', '--region', REGION, '--from-stack', 'LambdaMcp']);
    const issuer = 'https://login.example.com/realms/mcp';
    const run = await ws.run(SETUP, [
      '--no-sns',
      '--auth-issuer',
      issuer,
      '--auth-audience',
      'https://mcp.example.com/',
    ]);
    expect(run.code).toBe(0);
    // The issuer in place of the old one, the other Cognito lines gone, the new audience appended.
    expect(envSettings(ws.envFile)).toEqual([
      ...envWithAuth([`AUTH_ISSUER=${issuer}`]),
      'AUTH_AUDIENCE=https://mcp.example.com/',
    ]);
    expect(run.stdout).toContain('updated: env file .env');
    expect(run.commands).toEqual(SECOND_RUN);

    const dropped = await ws.run(SETUP, ['--no-sns', '--no-auth']);
    expect(dropped.code).toBe(0);
    expect(envSettings(ws.envFile)).toEqual(expectedEnv());
    expect(dropped.stdout).toContain(NO_AUTH_NOTE);
  });

  it('without any auth setting says that the server takes requests without a token', async () => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(NO_AUTH_NOTE);
    expect(envSettings(ws.envFile).filter((line) => line.startsWith('AUTH_'))).toEqual([]);
  });

  it('--dry-run reads the stack (read-only) and prints the env file it would write', async () => {
    const ws = workspace({ stacks: { LambdaMcp: COGNITO_STACK } });
    const run = await ws.run(SETUP, [
      '--dry-run',
      '--no-sns',
      '--region',
      REGION,
      '--from-stack',
      'LambdaMcp',
    ]);
    expect(run.code).toBe(0);
    expect(run.commands).toEqual([CALLER, describeStack('LambdaMcp'), DESCRIBE_TABLE, GET_ROLE]);
    for (const line of COGNITO_ENV) expect(run.stdout).toContain(`      ${line}\n`);
    expect(existsSync(ws.envFile)).toBe(false);
  });

  it('stops before changing anything on a missing stack, a public or an IAM stack, and on bad auth options', async () => {
    const ws = workspace({
      stacks: {
        Public: outputs({ FunctionUrl: 'https://x/', PublicEndpointWarning: 'PUBLIC: auth=none, ...' }),
        Iam: outputs({ FunctionUrl: 'https://x/', TableName: 't' }),
      },
    });
    const cases: [string[], string][] = [
      [['--from-stack', 'Missing'], '(ValidationError)'],
      [['--from-stack', 'Public'], 'stack Public was deployed with auth=none (public)'],
      [['--from-stack', 'Iam'], 'stack Iam has no AuthIssuer output'],
      [['--auth-issuer', 'http://login.example.com/'], '--auth-issuer must be an https URL'],
      [['--auth-issuer', 'https://login.example.com/?x=1'], '--auth-issuer must be an https URL'],
      [['--auth-audience', 'aud'], '--auth-audience needs --auth-issuer or --from-stack'],
      [['--auth-issuer', 'https://a.example/', '--from-stack', 'Iam'], 'exclude each other'],
      [['--no-auth', '--from-stack', 'Iam'], '--no-auth excludes'],
      [['--from-stack', 'no spaces'], '--from-stack must be a CloudFormation stack name'],
    ];
    for (const [args, message] of cases) {
      const run = await ws.run(SETUP, ['--no-sns', '--region', REGION, ...args]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(
        run.commands.filter((argv) => !['get-caller-identity', 'describe-stacks'].includes(argv[1] ?? '')),
        args.join(' '),
      ).toEqual([]);
    }
    expect(existsSync(ws.envFile)).toBe(false);
    expect(ws.state()).toMatchObject({ tables: {}, roles: {} });
  });

  it('cleanup-infrastructure.sh keeps working with auth settings in the env file, and never touches the stack', async () => {
    const ws = workspace({ stacks: { LambdaMcp: COGNITO_STACK } });
    await ws.run(SETUP, ['--no-sns', '--region', REGION, '--from-stack', 'LambdaMcp']);
    const run = await ws.run(CLEANUP, ['--yes', '--remove-env']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.commands.filter((argv) => argv[0] === 'cloudformation')).toEqual([]);
    expect(ws.state()).toMatchObject({ tables: {}, roles: {}, stacks: { LambdaMcp: COGNITO_STACK } });
    expect(existsSync(ws.envFile)).toBe(false);
  });
});

describe('setup-infrastructure.sh: the task runner (TASK_RUNNER=lambda-async)', { timeout: 120_000 }, () => {
  it('--function-name lets the role invoke that function only, names it in the env file, and a second run keeps it', async () => {
    const ws = workspace();
    const run = await ws.run(SETUP, ['--no-sns', '--region', REGION, '--function-name', 'my-mcp']);
    expect(run.code).toBe(0);
    expect(run.commands.at(-1)).toEqual([
      ...['iam', 'put-role-policy', '--role-name', ROLE, '--policy-name', POLICY_NAME],
      ...['--policy-document', expectedPolicy(undefined, 'my-mcp')],
    ]);
    const policy = ws.state().roles[ROLE]?.policies[POLICY_NAME] as { Statement: { Action: string[] }[] };
    const invoking = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('lambda:Invoke')));
    expect(invoking).toEqual([
      {
        Sid: 'SelfInvoke',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:my-mcp`,
      },
    ]);
    const base = expectedEnv();
    const at = base.indexOf(`LAMBDA_ROLE_ARN=${ROLE_ARN}`) + 1;
    expect(envSettings(ws.envFile)).toEqual([
      ...base.slice(0, at),
      'LAMBDA_FUNCTION_NAME=my-mcp',
      ...base.slice(at),
    ]);

    const again = await ws.run(SETUP, ['--no-sns']);
    expect(again.commands).toEqual(SECOND_RUN);
    expect(again.stdout).toMatch(/^Nothing changed: /m);
  });

  it('without --function-name grants no lambda:InvokeFunction, and refuses a bad name', async () => {
    const ws = workspace();
    await ws.run(SETUP, ['--no-sns', '--region', REGION]);
    expect(JSON.stringify(ws.state().roles[ROLE]?.policies)).not.toContain('lambda:InvokeFunction');
    const bad = await ws.run(SETUP, ['--no-sns', '--function-name', 'arn:aws:lambda:x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--function-name must be a Lambda function name');
    expect(bad.commands).toEqual([]);
  });
});
