// The MRTR requestState signing key (MCP_REQUEST_STATE_KEY) as a Secrets Manager secret the stack creates
// itself, so the key is never a stack parameter, never in a template, a command line or an .env file.
// CloudFormation generates the value once, when it creates the secret, and the functions get it through a
// dynamic reference resolved at deploy time: they need no secretsmanager:GetSecretValue, and the resolved
// value is a plain environment variable, readable by whoever may read the function configuration
// (lambda:GetFunction, GetFunctionConfiguration). The secret is RETAINed, so neither a redeploy nor a
// deleted stack rotates it. template.yaml declares the same resource (McpRequestStateKey).
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { stableId } from './logical-ids.js';

/** The secret's logical id in both templates. */
export const REQUEST_STATE_KEY_ID = 'McpRequestStateKey';

/**
 * How Secrets Manager generates the key. 64 characters of letters and digits (no punctuation, no space):
 * lambda-mcp's resolveRequestStateKey reads such a value as base64 (48 bytes), or, in the rare case that
 * every character is a hex digit, as hex (32 bytes); both hold at least the 32 bytes it requires, so every
 * generated value is accepted (infra/test/request-state-key.test.ts checks that).
 */
export const KEY_GENERATION = { passwordLength: 64, excludePunctuation: true, includeSpace: false } as const;

/**
 * Creates the key's secret (logical id {@link REQUEST_STATE_KEY_ID}, kept when the stack is deleted, output
 * `RequestStateKeySecretArn`) and returns the value to put in `MCP_REQUEST_STATE_KEY`: the dynamic reference
 * `{{resolve:secretsmanager:<secret ARN>:SecretString:::}}`, resolved by CloudFormation when it deploys.
 *
 * @example
 * const environment = { MCP_REQUEST_STATE_KEY: addRequestStateKey(this) };
 */
export function addRequestStateKey(scope: Construct): string {
  const secret = new secretsmanager.Secret(scope, 'RequestStateKey', {
    description: 'MCP_REQUEST_STATE_KEY: the MRTR requestState signing key every function instance shares',
    generateSecretString: KEY_GENERATION,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  stableId(secret, REQUEST_STATE_KEY_ID);
  new CfnOutput(scope, 'RequestStateKeySecretArn', {
    value: secret.secretArn,
    description: 'The MCP_REQUEST_STATE_KEY secret (put-secret-value, then redeploy, to set your own key)',
  });
  // A dynamic reference, not the value: the template holds only the secret's ARN.
  return secret.secretValue.unsafeUnwrap();
}
