// Test fixtures: Lambda HTTP events typed with `@types/aws-lambda`, modelled on the payloads AWS documents
// for REST APIs, HTTP APIs, Function URLs and ALB target groups. Each builder returns a fresh object.
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import type { LambdaEventKind, LambdaHttpEvent } from './types.js';

const JSON_RPC_BODY = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';

/** A REST API (payload 1.0) POST to /mcp with single and multi-value headers and query parameters. */
export function restApiEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/mcp',
    path: '/mcp',
    httpMethod: 'POST',
    headers: {
      Accept: 'application/json, text/event-stream',
      'CloudFront-Forwarded-Proto': 'https',
      'CloudFront-Viewer-Country': 'DE',
      'Content-Type': 'application/json',
      Host: 'abc123defg.execute-api.eu-west-1.amazonaws.com',
      'mcp-protocol-version': '2025-06-18',
      'User-Agent': 'node',
      Via: '2.0 3f1b1c0c6e5d5f0f2b1c0b1e0f2a3b4c.cloudfront.net (CloudFront)',
      'X-Amz-Cf-Id': 'nBsWBOrSHMgnaROZJK1wGCZ9PcRcSpq_oSXZNQwQ10OTZL4cimZo3g==',
      'X-Amzn-Trace-Id': 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050',
      'X-Custom': 'second',
      'X-Forwarded-For': '203.0.113.7, 130.176.0.1',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    },
    multiValueHeaders: {
      Accept: ['application/json, text/event-stream'],
      'CloudFront-Forwarded-Proto': ['https'],
      'CloudFront-Viewer-Country': ['DE'],
      'Content-Type': ['application/json'],
      Host: ['abc123defg.execute-api.eu-west-1.amazonaws.com'],
      'mcp-protocol-version': ['2025-06-18'],
      'User-Agent': ['node'],
      Via: ['2.0 3f1b1c0c6e5d5f0f2b1c0b1e0f2a3b4c.cloudfront.net (CloudFront)'],
      'X-Amz-Cf-Id': ['nBsWBOrSHMgnaROZJK1wGCZ9PcRcSpq_oSXZNQwQ10OTZL4cimZo3g=='],
      'X-Amzn-Trace-Id': ['Root=1-5e66d96f-7491f09xmpl79d18acf3d050'],
      'X-Custom': ['first', 'second'],
      'X-Forwarded-For': ['203.0.113.7, 130.176.0.1'],
      'X-Forwarded-Port': ['443'],
      'X-Forwarded-Proto': ['https'],
    },
    queryStringParameters: { tag: 'b', q: 'hello world' },
    multiValueQueryStringParameters: { tag: ['a', 'b'], q: ['hello world'] },
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      authorizer: undefined,
      domainName: 'abc123defg.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123defg',
      extendedRequestId: 'JkLmNOPqRStUvWx=',
      httpMethod: 'POST',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'node',
        userArn: null,
      },
      path: '/prod/mcp',
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '09/Apr/2025:12:34:56 +0000',
      requestTimeEpoch: 1744202096000,
      resourceId: 'a1b2c3',
      resourcePath: '/mcp',
      stage: 'prod',
    },
    body: JSON_RPC_BODY,
    isBase64Encoded: false,
    ...overrides,
  };
}

/** An HTTP API (payload 2.0) POST to /mcp with cookies and a raw query string. */
export function httpApiEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return payloadV2Event(
    {
      method: 'POST',
      rawQueryString: 'tag=a&tag=b&q=hello%20world',
      cookies: ['theme=dark', 'session=abc123'],
      headers: {
        accept: 'application/json, text/event-stream',
        'content-length': '46',
        'content-type': 'application/json',
        'mcp-protocol-version': '2025-06-18',
        'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
        'x-custom': 'first,second',
      },
      queryStringParameters: { tag: 'a,b', q: 'hello world' },
      body: JSON_RPC_BODY,
    },
    {
      api: { id: 'r3pmxmplak', domain: 'execute-api.us-east-2.amazonaws.com', account: '123456789012' },
      caller: { ip: '205.255.255.176', requestId: 'JKJaXmPLvHcESHA=', epoch: 1583817383220 },
    },
    overrides,
  );
}

/** A Lambda Function URL invocation (payload 2.0 on a `lambda-url` domain), a GET opening an SSE stream. */
export function functionUrlEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return payloadV2Event(
    {
      method: 'GET',
      rawQueryString: '',
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': '6f1c0a9e-3d7b-4c2a-9f1e-0b2d4c6e8a10',
        'x-amzn-trace-id': 'Root=1-6412e9d2-0c7a1b2c3d4e5f6a7b8c9d0e',
      },
    },
    {
      api: {
        id: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
        domain: 'lambda-url.us-west-2.on.aws',
        account: 'anonymous',
      },
      caller: {
        ip: '198.51.100.23',
        requestId: 'id-7f3c2b1a-0d9e-4f8a-b7c6-d5e4f3a2b1c0',
        epoch: 1678960946000,
      },
    },
    overrides,
  );
}

/** What a payload 2.0 fixture asks: the method, query, headers besides the forwarding ones, and the rest. */
type PayloadV2Request = Pick<
  APIGatewayProxyEventV2,
  'rawQueryString' | 'cookies' | 'queryStringParameters' | 'body'
> & { method: string; headers: Record<string, string> };

/** Where a payload 2.0 fixture arrives (the API id is also the domain prefix), from whom and when. */
interface PayloadV2Arrival {
  api: { id: string; domain: string; account: string };
  caller: { ip: string; requestId: string; epoch: number };
}

/** A payload 2.0 event on the `$default` route to /mcp, sent by `node` over HTTPS through the API's domain. */
function payloadV2Event(
  request: PayloadV2Request,
  { api, caller }: PayloadV2Arrival,
  overrides: Partial<APIGatewayProxyEventV2>,
): APIGatewayProxyEventV2 {
  const { method, rawQueryString, cookies, headers, queryStringParameters, body } = request;
  const domainName = `${api.id}.${api.domain}`;
  const forwarded = {
    host: domainName,
    'user-agent': 'node',
    'x-forwarded-for': caller.ip,
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/mcp',
    rawQueryString,
    ...(cookies && { cookies }),
    headers: sortedByName({ ...headers, ...forwarded }),
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: api.account,
      apiId: api.id,
      domainName,
      domainPrefix: api.id,
      http: { method, path: '/mcp', protocol: 'HTTP/1.1', sourceIp: caller.ip, userAgent: 'node' },
      requestId: caller.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(caller.epoch),
      timeEpoch: caller.epoch,
    },
    ...(body !== undefined && { body }),
    isBase64Encoded: false,
    ...overrides,
  };
}

/** `record` with its keys in name order, as the payload 2.0 fixtures list their headers. */
function sortedByName(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** An epoch in milliseconds as API Gateway writes request times: `10/Mar/2020:05:16:23 +0000`. */
function requestTime(epoch: number): string {
  const [, day, month, year, clock] = new Date(epoch).toUTCString().split(' ');
  return `${day}/${month}/${year}:${clock} +0000`;
}

const TARGET_GROUP_ARN =
  'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a';

/** An ALB event from a target group without multi-value headers: a GET with a still-encoded query. */
export function albEvent(overrides: Partial<ALBEvent> = {}): ALBEvent {
  return {
    requestContext: { elb: { targetGroupArn: TARGET_GROUP_ARN } },
    httpMethod: 'GET',
    path: '/health',
    queryStringParameters: { query: '1234ABCD', q: 'hello%20world' },
    headers: {
      accept: 'application/json',
      'accept-encoding': 'gzip',
      connection: 'keep-alive',
      host: 'lambda-alb-123578498.us-east-2.elb.amazonaws.com',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
      'x-amzn-trace-id': 'Root=1-5c536348-3d683b8b04734faae651f476',
      'x-forwarded-for': '72.12.164.125',
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
    },
    body: '',
    isBase64Encoded: false,
    ...overrides,
  };
}

/** An ALB event from a target group with multi-value headers on: a POST with repeated headers and params. */
export function albMultiValueEvent(overrides: Partial<ALBEvent> = {}): ALBEvent {
  return {
    requestContext: { elb: { targetGroupArn: TARGET_GROUP_ARN } },
    httpMethod: 'POST',
    path: '/mcp',
    multiValueQueryStringParameters: { tag: ['a', 'b'], q: ['hello%20world'] },
    multiValueHeaders: {
      accept: ['application/json, text/event-stream'],
      'content-type': ['application/json'],
      cookie: ['theme=dark', 'session=abc123'],
      host: ['lambda-alb-123578498.us-east-2.elb.amazonaws.com'],
      'x-custom': ['first', 'second'],
      'x-forwarded-for': ['72.12.164.125'],
      'x-forwarded-port': ['443'],
      'x-forwarded-proto': ['https'],
    },
    body: JSON_RPC_BODY,
    isBase64Encoded: false,
    ...overrides,
  };
}

/** An SQS event: not an HTTP request, so the adapter must refuse it. */
export function sqsEvent(): SQSEvent {
  return {
    Records: [
      {
        messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
        body: 'Test message.',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1545082649183',
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: '1545082649185',
        },
        messageAttributes: {},
        md5OfBody: '098f6bcd4621d373cade4e832627b4f6',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
        awsRegion: 'us-east-2',
      },
    ],
  };
}

/** Each HTTP event builder above, with the shape `detectEvent` names it. */
export const httpEventFixtures: readonly (readonly [build: () => LambdaHttpEvent, kind: LambdaEventKind])[] =
  [
    [restApiEvent, 'api-gateway-v1'],
    [httpApiEvent, 'api-gateway-v2'],
    [functionUrlEvent, 'api-gateway-v2'],
    [albEvent, 'alb'],
    [albMultiValueEvent, 'alb'],
  ];

/** The JSON-RPC body the POST fixtures carry. */
export const fixtureJsonRpcBody = JSON_RPC_BODY;

/** Eight bytes that are not valid UTF-8, and their base64 form. */
export const binaryBytes = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x01, 0x7f, 0xc3, 0x28]);
export const binaryBase64 = Buffer.from(binaryBytes).toString('base64');
