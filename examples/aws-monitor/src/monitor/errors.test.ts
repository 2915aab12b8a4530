// Tool error texts never name an internal endpoint: explainAwsError and the probe's errors pass every AWS
// message through withoutEndpoints, which puts the service's name where a URL, address or host was.
import { describe, expect, it } from 'vitest';
import { explainAwsError, withoutEndpoints } from './errors.js';

describe('withoutEndpoints', () => {
  it('replaces URLs, IP addresses, host:port and AWS hosts with the name it is given', () => {
    const cases: [string, string][] = [
      ['connect ECONNREFUSED 10.0.0.7:8000', 'connect ECONNREFUSED the store'],
      ['connect ECONNREFUSED [::1]:8000', 'connect ECONNREFUSED the store'],
      ['Inaccessible host: `http://dynamo.internal:8000/`', 'Inaccessible host: `the store`'],
      ['getaddrinfo ENOTFOUND dynamodb.eu-west-1.amazonaws.com', 'getaddrinfo ENOTFOUND the store'],
      ['socket hang up at localhost:4566', 'socket hang up at the store'],
      ['Requested resource not found', 'Requested resource not found'],
    ];
    for (const [text, expected] of cases) expect(withoutEndpoints(text, 'the store')).toBe(expected);
  });
});

describe('explainAwsError', () => {
  it('never shows the endpoint a failed call went to', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:39999'), {
      code: 'ECONNREFUSED',
    });
    const other = Object.assign(
      new Error('Unexpected answer from https://dynamodb.us-east-1.amazonaws.com/ (HTTP 502)'),
      { name: 'BadGateway' },
    );
    for (const error of [network, other]) {
      const { message } = explainAwsError(error, 'DynamoDB');
      expect(message).not.toMatch(/127\.0\.0\.1|39999|amazonaws\.com|https?:\/\//);
      expect(message).toContain('DynamoDB');
    }
    expect(explainAwsError(network, 'DynamoDB').message).toMatch(
      /^Could not reach the DynamoDB endpoint \(ECONNREFUSED\)/,
    );
    expect(explainAwsError(other, 'DynamoDB').message).toBe(
      'DynamoDB call failed (BadGateway: Unexpected answer from the DynamoDB endpoint (HTTP 502)).',
    );
  });
});
