// Turns what the AWS SDK throws (missing region or credentials, expired or rejected keys, denied actions,
// unreachable endpoints) into tool error text that says what is wrong and which setting fixes it, so the
// monitor answers `isError: true` with advice instead of crashing or inventing data.
import type { ResourceType } from './inventory.js';

/** What kind of failure an AWS error is. */
export type AwsErrorKind =
  | 'region'
  | 'credentials'
  | 'expired'
  | 'rejected'
  | 'denied'
  | 'network'
  | 'aborted'
  | 'aws';

/** A failure explained for the caller. */
export interface ExplainedAwsError {
  kind: AwsErrorKind;
  message: string;
}

/** What to set when no region is found. */
export const REGION_ADVICE =
  'set AWS_REGION (for example AWS_REGION=us-east-1), give the tool a `region` argument, or put a `region` ' +
  'in the AWS_PROFILE profile of the shared config file (~/.aws/config)';

/** What to set when no credentials are found. */
export const CREDENTIALS_ADVICE =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), or ' +
  'AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config; on AWS, give the function or ' +
  'instance an IAM role';

/** The environment variable that points `service` at another endpoint (e.g. a local DynamoDB). */
export function endpointVariable(service: ResourceType): string {
  return `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
}

/** The message for a configuration with no region and/or no credentials. */
export function missingConfigurationMessage(missing: { region: boolean; credentials: boolean }): string {
  const parts: string[] = [];
  if (missing.region) parts.push(`No AWS region is configured: ${REGION_ADVICE}.`);
  if (missing.credentials) parts.push(`No AWS credentials were found: ${CREDENTIALS_ADVICE}.`);
  return parts.join(' ');
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'UnrecognizedClientException',
  'UnrecognizedClient',
  'InvalidClientTokenId',
  'AuthFailure',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Explains an error thrown while calling `service`'s API (or while resolving the client's configuration).
 *
 * @example
 * const { message } = explainAwsError(error, 'DynamoDB');
 */
export function explainAwsError(error: unknown, service: ResourceType): ExplainedAwsError {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; Code?: string };
  const name = e.name ?? '';
  const code = e.Code ?? e.code ?? name;
  const raw = e.message ?? String(error);
  // What the client reads never names an internal endpoint (URL, host, address, port): the service instead.
  const detail = withoutEndpoints(raw, `the ${service} endpoint`);
  if (name === 'AbortError' || code === 'ABORT_ERR') {
    return { kind: 'aborted', message: `The ${service} request was cancelled.` };
  }
  if (detail === 'Region is missing' || /region is missing/i.test(detail)) {
    return { kind: 'region', message: `No AWS region is configured: ${REGION_ADVICE}.` };
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(detail)) {
    return {
      kind: 'credentials',
      message: `No AWS credentials were found (${detail}): ${CREDENTIALS_ADVICE}.`,
    };
  }
  if (EXPIRED.has(code) || EXPIRED.has(name)) {
    return {
      kind: 'expired',
      message:
        `The AWS credentials have expired (${code}: ${detail}): refresh them (a new AWS_SESSION_TOKEN, ` +
        '`aws sso login`, or `aws configure export-credentials`) and call again.',
    };
  }
  if (REJECTED.has(code) || REJECTED.has(name)) {
    return {
      kind: 'rejected',
      message:
        `AWS rejected the credentials (${code}: ${detail}): check that AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY (or the AWS_PROFILE profile) hold an active key pair, with ' +
        'AWS_SESSION_TOKEN for temporary credentials, and that the region is enabled for the account.',
    };
  }
  if (DENIED.has(code) || DENIED.has(name)) {
    return {
      kind: 'denied',
      message:
        `The credentials are not allowed to read ${service} (${code}: ${detail}): grant the IAM ` +
        `permissions ${permissionsFor(service)} to the role or user in use.`,
    };
  }
  const errno = (error as { code?: string; cause?: { code?: string } } | undefined)?.cause?.code ?? e.code;
  if ((errno && NETWORK.has(errno)) || name === 'TimeoutError') {
    return {
      kind: 'network',
      message:
        `Could not reach the ${service} endpoint (${errno ?? name}): check the network, and ` +
        `${endpointVariable(service)} or AWS_ENDPOINT_URL when pointing at a local endpoint.`,
    };
  }
  return { kind: 'aws', message: `${service} call failed (${code || 'Error'}: ${detail}).` };
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>)]+/gi;
const IPV6_PATTERN = /\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?/gi;
const IPV4_PATTERN = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
const HOST_PORT_PATTERN = /\b(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d+\b/gi;
const AWS_HOST_PATTERN = /\b(?:[a-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|api\.aws|localstack\.cloud)\b/gi;

/**
 * The text with every endpoint it names (URLs, IP addresses, `host:port`, AWS service hosts) replaced by
 * `name`, so an error a client reads never shows where an internal service lives.
 *
 * @example
 * withoutEndpoints('connect ECONNREFUSED 10.0.0.7:8000', 'the store'); // 'connect ECONNREFUSED the store'
 */
export function withoutEndpoints(text: string, name: string): string {
  return text
    .replace(URL_PATTERN, name)
    .replace(IPV6_PATTERN, name)
    .replace(IPV4_PATTERN, name)
    .replace(HOST_PORT_PATTERN, name)
    .replace(AWS_HOST_PATTERN, name);
}

/** The read-only IAM actions the monitor needs for `service`. */
export function permissionsFor(service: ResourceType): string {
  switch (service) {
    case 'DynamoDB':
      return 'dynamodb:ListTables, dynamodb:DescribeTable and (with filter_tags) dynamodb:ListTagsOfResource';
    case 'Lambda':
      return 'lambda:ListFunctions and (with filter_tags) lambda:ListTags';
    case 'EC2':
      return 'ec2:DescribeInstances';
    case 'SQS':
      return 'sqs:ListQueues, sqs:GetQueueAttributes and (with filter_tags) sqs:ListQueueTags';
  }
}
