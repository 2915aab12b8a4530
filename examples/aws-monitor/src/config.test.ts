// The reference server's configuration layers: embedded data files, then environment variables, then the
// runtime; and the exact message each invalid value stops start-up with.
import { readFileSync } from 'node:fs';
import { ConfigError } from 'lambda-mcp';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadConfig, REQUIRED_TOOLS } from './config.js';

const CONFIG_JSON = readFileSync(new URL('../data/mcp_config.json', import.meta.url), 'utf8');
const TOOLS_YAML = readFileSync(new URL('../data/tool_definitions.yaml', import.meta.url), 'utf8');

/** The message of the ConfigError `load` throws (fails the test when it throws anything else). */
function configError(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig layering', () => {
  it('takes every default from data/mcp_config.json and the tool text from data/tool_definitions.yaml', () => {
    const config = loadConfig({});
    const file = JSON.parse(CONFIG_JSON);
    expect(config).toMatchObject({
      server: file.server,
      store: file.store,
      sessionIdleSeconds: file.sessionIdleSeconds,
      allowedOrigins: file.allowedOrigins,
      enableCompression: file.enableCompression,
      logLevel: file.logLevel,
      adminTools: file.adminTools,
      monitor: file.monitor,
      // `publishTool: null` in the file: the test hook is off unless PUBLISH_TOOL=true.
      events: { ...file.events, publishTool: false },
      runtime: { inLambda: false },
    });
    // `null` in the file: the entry point's mode decides (200 MB streaming, 6 MB buffered).
    expect(file.maxResponseSizeMb).toBeNull();
    expect(config.maxResponseSizeMb).toBeUndefined();
    expect(config.sessionTableName).toBeUndefined();
    expect(config.snsTopicArn).toBeUndefined();
    expect(config.runtime).toEqual({ inLambda: false });
    expect(Object.keys(config.tools)).toEqual(expect.arrayContaining([...REQUIRED_TOOLS]));
    expect(config.tools.session_info?.title).toBe('Session information');
    expect(config.tools.lambda_diagnostics?.examples).toEqual([
      { include_metrics: true, include_environment: true },
    ]);
  });

  it('reads its file layer from the sources it is given', () => {
    const file = { ...JSON.parse(CONFIG_JSON), store: 'dynalite', adminTools: true, logLevel: 'WARN' };
    const config = loadConfig({}, { configJson: JSON.stringify(file), toolDefinitionsYaml: TOOLS_YAML });
    expect(config).toMatchObject({ store: 'dynalite', adminTools: true, logLevel: 'WARN' });
  });

  it('lets the environment override each key', () => {
    const config = loadConfig({
      STORE: 'dynamodb',
      SESSION_TABLE_NAME: ' mcp-sessions.v2 ',
      SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:mcp-events',
      SESSION_IDLE_SECONDS: '120',
      ALLOWED_ORIGINS: ' https://app.example.com , tools.example.com ,',
      ENABLE_COMPRESSION: 'TRUE',
      MAX_RESPONSE_SIZE_MB: '2.5',
      LOG_LEVEL: 'debug',
      ADMIN_TOOLS: '1',
    });
    expect(config).toMatchObject({
      store: 'dynamodb',
      sessionTableName: 'mcp-sessions.v2',
      snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:mcp-events',
      sessionIdleSeconds: 120,
      allowedOrigins: ['https://app.example.com', 'tools.example.com'],
      enableCompression: true,
      maxResponseSizeMb: 2.5,
      logLevel: 'DEBUG',
      adminTools: true,
    });
  });

  it('turns file defaults off from the environment, and ignores empty values', () => {
    const file = { ...JSON.parse(CONFIG_JSON), enableCompression: true, adminTools: true };
    const sources = { configJson: JSON.stringify(file) };
    expect(loadConfig({ ENABLE_COMPRESSION: 'false', ADMIN_TOOLS: '0' }, sources)).toMatchObject({
      enableCompression: false,
      adminTools: false,
    });
    const blank = loadConfig(
      { STORE: '', LOG_LEVEL: ' ', ENABLE_COMPRESSION: '', ALLOWED_ORIGINS: ' , ', SESSION_TABLE_NAME: '' },
      sources,
    );
    expect(blank).toMatchObject({
      store: 'memory',
      logLevel: 'INFO',
      enableCompression: true,
      allowedOrigins: [],
    });
    expect(blank.sessionTableName).toBeUndefined();
  });

  it('reads the event settings, and keeps the publish_event hook off unless PUBLISH_TOOL=true, locally and inside Lambda', () => {
    const config = loadConfig({
      EVENT_RETENTION_SECONDS: '600',
      EVENT_POLL_INTERVAL_MS: '250',
      MAX_EVENT_BYTES: '2048',
      STREAM_CAPACITY: '64',
      INTERNAL_EVENTS: 'false',
      LISTEN_WINDOW_MS: '20000',
      PUBLISH_TOOL: 'false',
    });
    expect(config.events).toEqual({
      retentionSeconds: 600,
      pollIntervalMs: 250,
      maxEventBytes: 2048,
      streamCapacity: 64,
      internalEvents: false,
      listenWindowMs: 20_000,
      publishTool: false,
    });
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }).events.publishTool).toBe(false);
    // Off by default for `npm start` too; only an explicit PUBLISH_TOOL=true turns it on.
    expect(loadConfig({}).events.publishTool).toBe(false);
    expect(loadConfig({ PUBLISH_TOOL: 'true' }).events.publishTool).toBe(true);
    expect(() => loadConfig({ PUBLISH_TOOL: 'yes please' })).toThrow('PUBLISH_TOOL');
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn', PUBLISH_TOOL: 'true' }).events.publishTool).toBe(
      true,
    );
    expect(() => loadConfig({ EVENT_POLL_INTERVAL_MS: '10' })).toThrow(
      'EVENT_POLL_INTERVAL_MS must be a whole number from 50 to 60000; got "10"',
    );
  });

  it('detects the runtime: inside Lambda with function name and region, or local', () => {
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'aws-monitor', AWS_REGION: 'eu-west-1' }).runtime).toEqual({
      inLambda: true,
      functionName: 'aws-monitor',
      region: 'eu-west-1',
    });
    expect(loadConfig({ AWS_DEFAULT_REGION: 'us-east-2' }).runtime).toEqual({
      inLambda: false,
      region: 'us-east-2',
    });
    expect(loadConfig({ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'us-east-2' }).runtime.region).toBe(
      'ap-south-1',
    );
    expect(loadConfig({}).runtime).toEqual({ inLambda: false });
  });
});

describe('loadConfig refusals', () => {
  it.each([
    ['ENABLE_COMPRESSION', 'yes', 'ENABLE_COMPRESSION must be one of true, false; got "yes"'],
    ['MAX_RESPONSE_SIZE_MB', '0', 'MAX_RESPONSE_SIZE_MB must be a number above 0 and at most 200; got "0"'],
    [
      'MAX_RESPONSE_SIZE_MB',
      'abc',
      'MAX_RESPONSE_SIZE_MB must be a number above 0 and at most 200; got "abc"',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT; got "loud"'],
    ['STORE', 'redis', 'STORE must be one of memory, dynamodb, dynalite; got "redis"'],
    ['ADMIN_TOOLS', 'maybe', 'ADMIN_TOOLS must be one of true, false; got "maybe"'],
    ['SESSION_IDLE_SECONDS', '5', 'SESSION_IDLE_SECONDS must be a whole number from 60 to 86400; got "5"'],
    [
      'SESSION_TABLE_NAME',
      'a',
      `SESSION_TABLE_NAME must be 3-255 characters of letters, digits, '_', '-' and '.'; got "a"`,
    ],
    [
      'SNS_TOPIC_ARN',
      'nope',
      'SNS_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got "nope"',
    ],
  ])('%s=%s stops start-up', (key, value, message) => {
    expect(configError(() => loadConfig({ [key]: value }))).toBe(message);
  });

  it('refuses a tool_definitions.yaml that is missing a tool', () => {
    const tools = parseYaml(TOOLS_YAML) as Record<string, unknown>;
    delete tools.list_active_sessions;
    expect(configError(() => loadConfig({}, { toolDefinitionsYaml: stringifyYaml(tools) }))).toBe(
      'data/tool_definitions.yaml must define the tool list_active_sessions',
    );
  });

  it('refuses a malformed mcp_config.json, and one with a wrong value, naming the file and the key', () => {
    const malformed = '{ "server": { "name": "aws-monitor", ';
    let parseMessage = '';
    try {
      JSON.parse(malformed);
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    expect(configError(() => loadConfig({}, { configJson: malformed }))).toBe(
      `data/mcp_config.json cannot be read: ${parseMessage}`,
    );
    const wrong = JSON.stringify({ ...JSON.parse(CONFIG_JSON), sessionIdleSeconds: 5 });
    expect(configError(() => loadConfig({}, { configJson: wrong }))).toBe(
      'data/mcp_config.json: sessionIdleSeconds: Too small: expected number to be >=60',
    );
    const extra = JSON.stringify({ ...JSON.parse(CONFIG_JSON), colour: 'blue' });
    expect(configError(() => loadConfig({}, { configJson: extra }))).toBe(
      'data/mcp_config.json: (root): Unrecognized key: "colour"',
    );
  });
});

describe('the store choice', () => {
  it('is the file default, STORE over it, and DynamoDB inside Lambda when only a table is named', () => {
    expect(loadConfig({}).store).toBe('memory');
    expect(loadConfig({ STORE: 'dynalite' }).store).toBe('dynalite');
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn', SESSION_TABLE_NAME: 'mcp' }).store).toBe('dynamodb');
    expect(loadConfig({ SESSION_TABLE_NAME: 'mcp' }).store).toBe('memory');
  });
});
