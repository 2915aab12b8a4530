// The reference server's stack: session table, Lambda function (arm64, X-Ray, own log group) behind a streaming
// Function URL, private by default (auth=cognito: a Cognito user pool whose tokens the server verifies; or an
// existing issuer, or auth=iam, or auth=none only when asked for; see lib/auth.ts), an optional HTTP API with
// its own buffered function (which runs long tools as tasks by invoking itself asynchronously), an optional
// SNS topic the function is subscribed to (with one queue keeping both the deliveries SNS cannot make and the
// events the function fails on), and one role limited to that table, its index, the monitor's read-only APIs,
// publishing to that topic, sending to that queue and invoking the buffered function; and the operator's
// CloudWatch dashboard (lib/dashboard.ts) and alarms (lib/alarms.ts), optionally e-mailed; the MRTR signing key
// is a Secrets Manager secret the stack generates once (lib/request-state-key.ts), never a parameter.
// template.yaml at the repository root is the same stack for AWS SAM; infra/test keeps the two in step.
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addAlarms } from './alarms.js';
import { type AuthProps, addCognito, externalIssuer, publicWarning, resolveAuth, stackUuid } from './auth.js';
import { addDashboard } from './dashboard.js';
import { markRenamed, renameAll, stableId } from './logical-ids.js';
import { MONITOR_READ_ACTIONS, queueDestination, TABLE_DATA_ACTIONS } from './permissions.js';
import { addRequestStateKey } from './request-state-key.js';
import { type ServerSettings, serverDefaults } from './server-settings.js';
import { SessionTable } from './table.js';

export { type ServerSettings, serverDefaults } from './server-settings.js';

/** Where `npm run build:lambda` puts the Lambda bundle (`index.mjs`, with both {@link HANDLERS}). */
export const DEFAULT_CODE_PATH = fileURLToPath(new URL('../../dist/lambda/http', import.meta.url));

/**
 * The bundle's two entry points. `streamingHandler` is wrapped in `awslambda.streamifyResponse` (a Function URL
 * with `InvokeMode: RESPONSE_STREAM`); its bytes carry the streaming prelude, so a buffered integration (the
 * HTTP API) runs `handler` instead. Both also take SNS events.
 */
export const HANDLERS = { streaming: 'index.streamingHandler', buffered: 'index.handler' } as const;

/**
 * `TASK_RUNNER` of each entry: the buffered one runs a task by invoking its own function asynchronously (its
 * response is sent before the task ends), the streaming one within the invocation that is still streaming.
 */
export const TASK_RUNNERS = { streaming: 'in-process', buffered: 'lambda-async' } as const;

/**
 * Options of {@link McpStack}. Auth (`auth`, `authIssuer`, `authAudience`, `authCallbackUrls`): see
 * {@link AuthProps}; by default the stack creates a Cognito user pool and the server requires its tokens.
 */
export interface McpStackProps extends StackProps, AuthProps {
  /** The folder holding the bundle (`index.mjs`); default `dist/lambda/http` (`npm run build:lambda`). */
  codePath?: string;
  /**
   * Also put an API Gateway HTTP API in front of the server, with a function of its own running the buffered
   * entry (same code, role and environment but `TASK_RUNNER`; with `auth: 'iam'` its route takes only
   * SigV4-signed requests). Default false.
   */
  httpApi?: boolean;
  /**
   * Also create an SNS topic for events: the function is subscribed to it (a dead-letter queue keeps what SNS
   * cannot deliver and the events the function still fails on after Lambda's retries), may publish to it, and
   * gets `SNS_TOPIC_ARN`. Default false.
   */
  sns?: boolean;
  /** Notify this e-mail address of every alarm (an SNS topic with that subscription); default no actions. */
  alarmEmail?: string;
  /** How long the function's log group keeps events. Default one month. */
  logRetention?: logs.RetentionDays;
  /** A fixed table name; default generated. */
  tableName?: string;
  /** RETAIN (default) keeps the table when the stack is deleted; DESTROY for development stacks. */
  tableRemovalPolicy?: RemovalPolicy;
  /** Server settings; each defaults to examples/aws-monitor/data/mcp_config.json ({@link serverDefaults}). */
  server?: Partial<ServerSettings>;
}

/**
 * The lambda-mcp reference server (examples/aws-monitor) on Lambda with its DynamoDB session table.
 *
 * Endpoints:
 * - **Function URL** (always), on the main function running `index.streamingHandler` with
 *   `InvokeMode: RESPONSE_STREAM`: GET streams and SSE answers stay open (live) up to the function timeout
 *   (900 s at most). No custom domain (put CloudFront in front for one). `AuthType: AWS_IAM` with
 *   `auth: 'iam'`; otherwise `NONE`, and (but for `auth: 'none'`) the function requires bearer tokens itself.
 * - **HTTP API** (`httpApi: true`): API Gateway with a second function running the buffered `index.handler`
 *   (same code, role and environment, `TASK_RUNNER=lambda-async`, and `lambda:InvokeFunction` on itself for
 *   its tasks). Custom domains, throttling and access logs, but every request ends at 30 s and nothing streams.
 *
 * Auth (see lib/auth.ts): `cognito` (default) creates a user pool with a domain, a resource server with the
 * `mcp:tools` and `mcp:admin` scopes, an app client for client credentials and a public one for
 * authorization code with PKCE, and sets `AUTH_ISSUER` and friends on the functions; `authIssuer` uses an
 * existing issuer instead; `iam` signs; `none` adds a `PublicEndpointWarning` output.
 *
 * Events (`sns: true`): an SNS topic with the main function subscribed to it. SNS invokes it asynchronously
 * (the Invoke API, where a streaming handler's output is discarded). One SSE-SQS dead-letter queue keeps both
 * kinds of failure: deliveries SNS cannot make at all (the subscription's RedrivePolicy; SNS may send to it for
 * this topic only), and events the function still fails on after Lambda's asynchronous retries (the function's
 * on-failure destination; the role may send to it).
 */
export class McpStack extends Stack {
  /** The session table. */
  readonly table: SessionTable;
  /** The server function: the streaming entry behind the Function URL, subscribed to the topic. */
  readonly fn: lambda.Function;
  /** Its Function URL. */
  readonly functionUrl: lambda.FunctionUrl;
  /** The HTTP API, when `httpApi` is on. */
  readonly httpApi?: apigwv2.HttpApi;
  /** The HTTP API's function (the buffered entry), when `httpApi` is on. */
  readonly httpApiFn?: lambda.Function;
  /** The event topic, when `sns` is on. */
  readonly topic?: sns.Topic;
  /**
   * The dead-letter queue, when `sns` is on: the topic subscription's RedrivePolicy target and the function's
   * on-failure destination for asynchronous invocations.
   */
  readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: McpStackProps = {}) {
    super(scope, id, props);
    const server = { ...serverDefaults(), ...props.server };
    const auth = resolveAuth(props);

    const memorySize = new CfnParameter(this, 'MemorySize', {
      type: 'Number',
      default: 1024,
      minValue: 128,
      maxValue: 10240,
      description: 'Lambda memory in MB (CPU grows with it).',
    });
    const timeout = new CfnParameter(this, 'Timeout', {
      type: 'Number',
      default: 30,
      minValue: 1,
      maxValue: 900,
      description: 'Lambda timeout in seconds. An HTTP API still ends requests after 30 s.',
    });
    this.table = new SessionTable(this, 'SessionTable', {
      ...(props.tableName && { tableName: props.tableName }),
      ...(props.tableRemovalPolicy && { removalPolicy: props.tableRemovalPolicy }),
    });
    const table = this.table.table;
    stableId(table, 'SessionTable');

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    stableId(logGroup, 'McpLogGroup');

    if (props.sns) {
      this.topic = new sns.Topic(this, 'Topic');
      stableId(this.topic, 'McpTopic');
      // What SNS cannot deliver (the function missing, its permission gone, throttling past SNS's retries), and
      // what the function still fails on after Lambda's asynchronous retries, waits here 14 days.
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        retentionPeriod: Duration.days(14),
      });
      stableId(this.deadLetterQueue, 'McpTopicDeadLetterQueue');
    }

    // The token-verifying modes give the server AUTH_ISSUER (and AUTH_AUDIENCE when given); iam and none none.
    let authEnvironment: Record<string, string> = {};
    if (auth.mode === 'cognito' && auth.issuer)
      authEnvironment = externalIssuer(this, { ...auth, issuer: auth.issuer });
    else if (auth.mode === 'cognito') authEnvironment = addCognito(this, auth);
    else if (auth.mode === 'none') publicWarning(this);

    // SSE_MODE (and by default MAX_RESPONSE_SIZE_MB) is left to the entry point: the buffered entry polls and
    // answers up to 6 MB, the streaming one streams live, up to 200 MB.
    const environment: Record<string, string> = {
      STORE: 'dynamodb',
      SESSION_TABLE_NAME: table.tableName,
      MCP_REQUEST_STATE_KEY: addRequestStateKey(this),
      SESSION_IDLE_SECONDS: String(server.sessionIdleSeconds),
      ...(server.allowedOrigins.length > 0 && { ALLOWED_ORIGINS: server.allowedOrigins.join(',') }),
      ENABLE_COMPRESSION: String(server.enableCompression),
      ...(server.maxResponseSizeMb !== null && { MAX_RESPONSE_SIZE_MB: String(server.maxResponseSizeMb) }),
      LOG_LEVEL: server.logLevel,
      ADMIN_TOOLS: String(server.adminTools),
      POWERTOOLS_SERVICE_NAME: server.serviceName,
      NODE_OPTIONS: '--enable-source-maps',
      ...(this.topic && { SNS_TOPIC_ARN: this.topic.topicArn }),
      ...authEnvironment,
    };

    // One asset for both functions: the same bundle holds both entry points.
    const code = lambda.Code.fromAsset(props.codePath ?? DEFAULT_CODE_PATH);
    const functionProps = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code,
      memorySize: memorySize.valueAsNumber,
      timeout: Duration.seconds(timeout.valueAsNumber),
      // Adds xray:PutTraceSegments and xray:PutTelemetryRecords (on *, X-Ray has no resources) to the role.
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
    };

    this.fn = new lambda.Function(this, 'Function', {
      ...functionProps,
      environment: { ...environment, TASK_RUNNER: TASK_RUNNERS.streaming },
      description: 'lambda-mcp reference server (aws-monitor), streaming entry (Function URL, SNS)',
      handler: HANDLERS.streaming,
    });
    stableId(this.fn, 'McpFunction');
    if (this.fn.role) stableId(this.fn.role, 'McpFunctionRole');

    // The table and its index, with exactly the data actions the stores call.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SessionTable',
        actions: TABLE_DATA_ACTIONS,
        resources: [table.tableArn, `${table.tableArn}/index/*`],
      }),
    );
    // The monitor's inventory reads. ListTables, ListFunctions, ListQueues and DescribeInstances support no
    // resource-level permissions at all; the per-resource reads (DescribeTable, ListTagsOfResource, ListTags,
    // GetQueueAttributes, ListQueueTags) go to whatever those listings return, in any region the tool is
    // asked about, so they cannot be narrowed to known resources either. All are reads of metadata.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'MonitorReadOnly', actions: MONITOR_READ_ACTIONS, resources: ['*'] }),
    );
    if (this.topic) {
      // Publishing to the event topic, and to no other.
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'Notifications',
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
        }),
      );
    }
    if (this.deadLetterQueue) {
      // Lambda sends the record of an asynchronous invocation that failed every attempt with the function's
      // role: SendMessage on the dead-letter queue, and nothing else (same account, so no queue policy needed).
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'FailedEvents',
          actions: ['sqs:SendMessage'],
          resources: [this.deadLetterQueue.queueArn],
        }),
      );
    }

    // The streaming entry: live SSE up to the function timeout. CORS stays off: lambda-mcp answers CORS itself
    // (ALLOWED_ORIGINS), and a URL-level CORS configuration would override its headers.
    this.functionUrl = this.fn.addFunctionUrl({
      authType: auth.mode === 'iam' ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    stableId(this.functionUrl, 'McpFunctionUrl');
    // With NONE, CDK adds the two resource-policy statements a public URL needs (InvokeFunctionUrl, and
    // InvokeFunction restricted to calls through the URL).
    for (const child of this.fn.node.findAll()) {
      if (child instanceof lambda.CfnPermission) {
        const viaUrl = child.action === 'lambda:InvokeFunctionUrl';
        child.overrideLogicalId(viaUrl ? 'McpFunctionUrlPermission' : 'McpFunctionUrlInvokePermission');
        markRenamed(child);
      }
    }

    if (this.topic && this.deadLetterQueue) {
      // Adds the subscription with its RedrivePolicy, lambda:InvokeFunction for sns.amazonaws.com from this
      // topic only, and the queue policy letting this topic (only) send to the dead-letter queue.
      this.topic.addSubscription(
        new subscriptions.LambdaSubscription(this.fn, { deadLetterQueue: this.deadLetterQueue }),
      );
      // Once Lambda has accepted SNS's invocation, SNS is done: an event the function fails on (it throws only
      // when DynamoDB is unavailable) is retried by Lambda, twice by default, and would then be dropped. The
      // on-failure destination keeps its invocation record in the same queue. An on-failure destination rather
      // than a DeadLetterConfig: template.yaml could not make SAM's DeadLetterQueue depend on EnableSns (SAM
      // requires the property's Type and TargetArn, and adds a statement whose Resource a condition would
      // remove). Retries and event age keep Lambda's defaults (2 retries, 6 hours), which suit an outage.
      this.fn.configureAsyncInvoke({ onFailure: queueDestination(this.deadLetterQueue) });
      renameAll(this.fn, {
        'AWS::SNS::Subscription': 'McpTopicSubscription',
        'AWS::Lambda::Permission': 'McpTopicInvokePermission',
        'AWS::Lambda::EventInvokeConfig': 'McpFunctionEventInvokeConfig',
      });
      renameAll(this.deadLetterQueue, { 'AWS::SQS::QueuePolicy': 'McpTopicDeadLetterQueuePolicy' });
      new CfnOutput(this, 'TopicArn', {
        value: this.topic.topicArn,
        description: 'The event topic (npm run publish-event -- --topic-arn <TopicArn> ...)',
      });
      new CfnOutput(this, 'DeadLetterQueueUrl', {
        value: this.deadLetterQueue.queueUrl,
        description: 'Events SNS could not deliver to the function, and events the function failed on',
      });
    }
    new CfnOutput(this, 'FunctionUrl', {
      value: this.functionUrl.url,
      description: 'The MCP endpoint (Function URL; any path is served)',
    });

    if (props.httpApi) {
      // The buffered entry: a streaming handler's prelude would reach HTTP API clients as part of the body. Its
      // name is fixed (the stack's UUID keeps it unique) so that the role can name its ARN: the function's own
      // ARN attribute would make the role's policy depend on the function, which depends on that policy.
      const bufferedName = Fn.join('', ['lambda-mcp-buffered-', stackUuid()]);
      this.httpApiFn = new lambda.Function(this, 'HttpApiFunction', {
        ...functionProps,
        functionName: bufferedName,
        description: 'lambda-mcp reference server (aws-monitor), buffered entry (HTTP API)',
        handler: HANDLERS.buffered,
        environment: { ...environment, TASK_RUNNER: TASK_RUNNERS.buffered },
        ...(this.fn.role && { role: this.fn.role }),
      });
      stableId(this.httpApiFn, 'McpHttpApiFunction');
      // Its tasks: the buffered function invokes itself (InvocationType Event) to run a long tool after it has
      // answered. On its own ARN only (the role is shared, so the streaming function holds it too).
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'SelfInvoke',
          actions: ['lambda:InvokeFunction'],
          resources: [
            Stack.of(this).formatArn({
              service: 'lambda',
              resource: 'function',
              resourceName: bufferedName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      );
      // auth=iam: the IAM authorizer on the route (SigV4, as the Function URL). Otherwise no authorizer: the
      // server verifies bearer tokens itself (AUTH_ISSUER), or the endpoint is public (auth=none).
      this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
        apiName: Aws.STACK_NAME,
        description: 'lambda-mcp reference server (buffered, 30 s per request)',
        defaultIntegration: new HttpLambdaIntegration('Integration', this.httpApiFn),
        ...(auth.mode === 'iam' && { defaultAuthorizer: new HttpIamAuthorizer() }),
      });
      stableId(this.httpApi, 'HttpApi');
      renameAll(this.httpApi, {
        'AWS::ApiGatewayV2::Integration': 'HttpApiIntegration',
        'AWS::ApiGatewayV2::Route': 'HttpApiRoute',
        'AWS::ApiGatewayV2::Stage': 'HttpApiStage',
        'AWS::Lambda::Permission': 'HttpApiPermission',
      });
      new CfnOutput(this, 'HttpApiUrl', {
        value: this.httpApi.apiEndpoint,
        description: 'The MCP endpoint through API Gateway (HTTP API, $default stage)',
      });
    }

    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The session table' });

    // The alarms (lib/alarms.ts), and the operator's dashboard (lib/dashboard.ts, with its DashboardUrl output)
    // showing their states.
    const targets = {
      serviceName: server.serviceName,
      functionName: this.fn.functionName,
      tableName: table.tableName,
      logGroupName: logGroup.logGroupName,
      ...(this.httpApi &&
        this.httpApiFn && {
          httpApi: { apiId: this.httpApi.apiId, functionName: this.httpApiFn.functionName },
        }),
      ...(this.topic &&
        this.deadLetterQueue && {
          sns: { topicName: this.topic.topicName, queueName: this.deadLetterQueue.queueName },
        }),
    };
    const alarms = addAlarms(this, { ...targets, ...(props.alarmEmail && { alarmEmail: props.alarmEmail }) });
    addDashboard(this, { ...targets, alarmArns: alarms.map((alarm) => alarm.attrArn) });
  }
}
