// Tests of event detection: each HTTP shape finds its processor, anything else is refused with a clear error.
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UnsupportedEventError } from '../../errors.js';
import { detectEvent } from './detect.js';
import { albEvent, httpEventFixtures, restApiEvent, sqsEvent } from './fixtures.js';

const websocketEvent: APIGatewayProxyWebsocketEventV2 = {
  requestContext: {
    routeKey: '$default',
    messageId: 'GXLKJfX4FiACG1w=',
    eventType: 'MESSAGE',
    extendedRequestId: 'GXLKJHNjFiAFyMg=',
    requestTime: '10/Mar/2023:12:00:00 +0000',
    messageDirection: 'IN',
    stage: 'production',
    connectedAt: 1678449600000,
    requestTimeEpoch: 1678449600123,
    requestId: 'GXLKJHNjFiAFyMg=',
    domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
    connectionId: 'GXLKAfX1FiACG1w=',
    apiId: 'abcdef1234',
  },
  body: '{"action":"ping"}',
  isBase64Encoded: false,
};

describe('detectEvent', () => {
  it('names the shape of each HTTP event', () => {
    for (const [build, kind] of httpEventFixtures) expect(detectEvent(build()).kind, build.name).toBe(kind);
  });

  it('builds the request of the detected shape', () => {
    expect(detectEvent(albEvent()).toRequest().url).toBe(
      'http://lambda-alb-123578498.us-east-2.elb.amazonaws.com/health?query=1234ABCD&q=hello%20world',
    );
  });

  it('refuses an SQS event, naming its keys but not its values', () => {
    const error = captureError(() => detectEvent(sqsEvent()));
    expect(error).toBeInstanceOf(UnsupportedEventError);
    expect(error.message).toBe(
      'lambda-mcp: unsupported Lambda event (an object with keys Records). toLambdaHandler only handles ' +
        'HTTP requests from API Gateway REST APIs (payload 1.0), HTTP APIs (payload 2.0), Lambda Function URLs ' +
        'and Application Load Balancers.',
    );
    expect(error.message).not.toContain('Test message');
  });

  it('refuses WebSocket events, direct invocations and non-objects', () => {
    expect(() => detectEvent(websocketEvent)).toThrow(/keys requestContext, body, isBase64Encoded/);
    expect(() => detectEvent({})).toThrow(/an empty object/);
    expect(() => detectEvent(null)).toThrow(/\(null\)/);
    expect(() => detectEvent('ping')).toThrow(/\(string\)/);
    expect(() => detectEvent([restApiEvent()])).toThrow(UnsupportedEventError);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
