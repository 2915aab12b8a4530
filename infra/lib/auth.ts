// Who may call the MCP endpoint, for McpStack: the auth modes, their validation, and the Cognito user pool the
// default mode creates (domain, resource server with the mcp:tools and mcp:admin scopes, a confidential app
// client for client credentials and a public one for authorization code with PKCE). Plain CloudFormation
// resources (L1), so that template.yaml declares exactly the same properties; infra/test checks both.
import { Aws, CfnOutput, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/**
 * How the endpoint is protected (`-c auth=...`, template.yaml's `Auth`):
 * - `cognito` (default): the function verifies OAuth bearer tokens (`AUTH_ISSUER` set) of a Cognito user pool
 *   the stack creates, or of an existing authorization server when `authIssuer` is given. The Function URL
 *   is `NONE` at the AWS level: the server itself refuses requests without a valid token.
 * - `iam`: the Function URL (and the HTTP API's route) take only SigV4-signed requests (`AWS_IAM`).
 * - `none`: public, no authentication at all; only when asked for, and the stack says so in an output.
 */
export type AuthMode = 'cognito' | 'iam' | 'none';

/** The auth modes, as `-c auth=` and template.yaml's `Auth` accept them. */
export const AUTH_MODES: readonly AuthMode[] = ['cognito', 'iam', 'none'];

/** The auth settings of {@link McpStackProps}, named as the CDK context keys. */
export interface AuthProps {
  /** The auth mode; default `cognito`. */
  auth?: AuthMode;
  /**
   * An existing authorization server's issuer URL: with it the stack creates no user pool and the function
   * verifies that issuer's tokens (`AUTH_ISSUER`). Only with `auth: 'cognito'` (the token-verifying mode).
   */
  authIssuer?: string;
  /**
   * `AUTH_AUDIENCE`, the `aud` tokens must carry. Default unset: the server then takes the endpoint's own
   * resource URL (RFC 8707), which is also what its protected resource metadata names.
   */
  authAudience?: string;
  /** The public client's callback URLs (authorization code); default {@link DEFAULT_CALLBACK_URLS}. */
  authCallbackUrls?: string[];
}

/**
 * The public client's default callback URLs: the MCP Inspector's (`npx @modelcontextprotocol/inspector`,
 * port 6274) for its normal and its debug OAuth flow. Cognito allows plain http only for localhost.
 */
export const DEFAULT_CALLBACK_URLS = [
  'http://localhost:6274/oauth/callback',
  'http://localhost:6274/oauth/callback/debug',
];

/** The resource server's identifier: Cognito names each scope `<identifier>/<scope>` in tokens. */
export const RESOURCE_SERVER = 'lambda-mcp';

/** The scopes, as tokens carry them: `mcp:tools` is needed for any request, `mcp:admin` adds the admin tools. */
export const SCOPES = { tools: `${RESOURCE_SERVER}/mcp:tools`, admin: `${RESOURCE_SERVER}/mcp:admin` };

/** The auth settings after validation; `issuer` is an external issuer's URL (then no user pool). */
export interface ResolvedAuth {
  mode: AuthMode;
  issuer?: string;
  audience?: string;
  callbackUrls: string[];
}

/**
 * Validates {@link AuthProps}: a known mode, an https issuer URL, and no issuer or audience where nothing
 * verifies tokens (`iam`, `none`).
 *
 * @example
 * resolveAuth({ authIssuer: 'https://login.example.com/' }); // { mode: 'cognito', issuer: 'https://login.example.com/', ... }
 */
export function resolveAuth(props: AuthProps): ResolvedAuth {
  const mode = props.auth ?? 'cognito';
  if (!AUTH_MODES.includes(mode)) {
    throw new Error(`auth must be one of ${AUTH_MODES.join(', ')}; got "${mode}"`);
  }
  const issuer = props.authIssuer || undefined;
  const audience = props.authAudience || undefined;
  if (mode !== 'cognito' && (issuer || audience)) {
    throw new Error(
      `authIssuer and authAudience apply to auth=cognito (token verification), not auth=${mode}`,
    );
  }
  if (issuer !== undefined && !/^https:\/\/[^\s/?#]+[^\s?#]*$/.test(issuer)) {
    throw new Error(`authIssuer must be an https URL without query or fragment; got "${issuer}"`);
  }
  const callbackUrls = props.authCallbackUrls ?? DEFAULT_CALLBACK_URLS;
  if (callbackUrls.length === 0) throw new Error('authCallbackUrls must name at least one URL');
  return { mode, ...(issuer && { issuer }), ...(audience && { audience }), callbackUrls };
}

/** The logical ids of the Cognito resources (template.yaml uses the same). */
export const COGNITO_IDS = {
  userPool: 'McpUserPool',
  domain: 'McpUserPoolDomain',
  resourceServer: 'McpResourceServer',
  agentClient: 'McpAgentClient',
  publicClient: 'McpPublicClient',
} as const;

/**
 * Creates the user pool and its clients in `stack`, adds their outputs, and returns the function's auth
 * environment. Users are created by an administrator only (people are pre-registered); the pool is kept when
 * the stack is deleted (RETAIN, as CDK's UserPool does: it holds the users; delete it by hand).
 *
 * Cognito access tokens carry no `aud` claim (they carry `client_id` and `scope`), so `AUTH_AUDIENCE` stays
 * unset unless given and `AUTH_CLIENT_IDS` names the two app clients whose tokens the server accepts.
 *
 * @example
 * const environment = addCognito(this, resolveAuth({})); // { AUTH_ISSUER: 'https://cognito-idp…', AUTH_CLIENT_IDS: … }
 */
export function addCognito(stack: Stack, auth: ResolvedAuth): Record<string, string> {
  const pool = new cognito.CfnUserPool(stack, COGNITO_IDS.userPool, {
    adminCreateUserConfig: { allowAdminCreateUserOnly: true },
    usernameAttributes: ['email'],
    autoVerifiedAttributes: ['email'],
    accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
  });
  pool.applyRemovalPolicy(RemovalPolicy.RETAIN);
  // The hosted sign-in and the /oauth2/token endpoint: https://<prefix>.auth.<region>.amazoncognito.com.
  // Prefixes are unique per region across all accounts: the stack's own UUID makes one (hex, so it holds
  // none of the words Cognito refuses in a prefix: aws, amazon, cognito).
  const domain = new cognito.CfnUserPoolDomain(stack, COGNITO_IDS.domain, {
    domain: Fn.join('', ['lambda-mcp-', stackUuid()]),
    userPoolId: pool.ref,
  });
  const resourceServer = new cognito.CfnUserPoolResourceServer(stack, COGNITO_IDS.resourceServer, {
    identifier: RESOURCE_SERVER,
    name: RESOURCE_SERVER,
    userPoolId: pool.ref,
    scopes: [
      { scopeName: 'mcp:tools', scopeDescription: 'Use the MCP server (required for any request)' },
      { scopeName: 'mcp:admin', scopeDescription: 'Also see and call the administrative tools' },
    ],
  });
  // Agents and CI: client credentials with a secret (read it with aws cognito-idp describe-user-pool-client).
  const agentClient = new cognito.CfnUserPoolClient(stack, COGNITO_IDS.agentClient, {
    userPoolId: pool.ref,
    clientName: 'lambda-mcp-agents',
    generateSecret: true,
    allowedOAuthFlowsUserPoolClient: true,
    allowedOAuthFlows: ['client_credentials'],
    allowedOAuthScopes: [SCOPES.tools, SCOPES.admin],
    enableTokenRevocation: true,
    preventUserExistenceErrors: 'ENABLED',
  });
  // People: authorization code with PKCE from an MCP client or the Inspector, no secret. Both scopes: MCP
  // clients ask for every scope the server's metadata lists, and Cognito refuses a request naming a scope the
  // client may not have. Only administrators add users, and the admin tools exist only with ADMIN_TOOLS=true;
  // to keep them from people, drop SCOPES.admin here and have clients ask for mcp:tools alone.
  const publicClient = new cognito.CfnUserPoolClient(stack, COGNITO_IDS.publicClient, {
    userPoolId: pool.ref,
    clientName: 'lambda-mcp-people',
    generateSecret: false,
    allowedOAuthFlowsUserPoolClient: true,
    allowedOAuthFlows: ['code'],
    allowedOAuthScopes: ['openid', 'email', SCOPES.tools, SCOPES.admin],
    callbackUrLs: auth.callbackUrls,
    supportedIdentityProviders: ['COGNITO'],
    explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    enableTokenRevocation: true,
    preventUserExistenceErrors: 'ENABLED',
  });
  // The clients name the resource server's scopes, which must exist first.
  agentClient.addResourceDependency(resourceServer);
  publicClient.addResourceDependency(resourceServer);

  const issuer = Fn.join('', ['https://cognito-idp.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', pool.ref]);
  const clientIds = Fn.join(',', [agentClient.ref, publicClient.ref]);
  const outputs: Record<string, [string, string]> = {
    AuthIssuer: [issuer, 'AUTH_ISSUER: the issuer whose tokens the server accepts'],
    UserPoolId: [pool.ref, 'The Cognito user pool (create users: aws cognito-idp admin-create-user)'],
    TokenUrl: [
      Fn.join('', ['https://', domain.ref, '.auth.', Aws.REGION, '.amazoncognito.com/oauth2/token']),
      'The token endpoint (client credentials: POST grant_type=client_credentials)',
    ],
    AgentClientId: [agentClient.ref, 'App client for agents and CI (client credentials, has a secret)'],
    PublicClientId: [publicClient.ref, 'App client for people (authorization code with PKCE, no secret)'],
    AuthClientIds: [clientIds, 'AUTH_CLIENT_IDS: the app clients whose tokens the server accepts'],
    AuthRequiredScopes: [SCOPES.tools, 'AUTH_REQUIRED_SCOPES: the scope every request needs'],
    AuthAdminScope: [SCOPES.admin, 'AUTH_ADMIN_SCOPE: the scope of the administrative tools'],
  };
  for (const [id, [value, description]] of Object.entries(outputs))
    new CfnOutput(stack, id, { value, description });
  audienceOutput(stack, auth);

  return {
    AUTH_ISSUER: issuer,
    // Cognito publishes its keys here and serves no RFC 8414 metadata: naming the JWKS saves a cold start the
    // discovery requests (two HTTPS round trips) before the first token can be checked.
    AUTH_JWKS_URL: `${issuer}/.well-known/jwks.json`,
    ...(auth.audience && { AUTH_AUDIENCE: auth.audience }),
    AUTH_CLIENT_IDS: clientIds,
    AUTH_REQUIRED_SCOPES: SCOPES.tools,
    AUTH_ADMIN_SCOPE: SCOPES.admin,
  };
}

/**
 * The environment and output for an external issuer (`authIssuer`): no user pool.
 *
 * @example
 * externalIssuer(this, { mode: 'cognito', issuer: 'https://login.example.com/', callbackUrls: [] });
 */
export function externalIssuer(
  stack: Stack,
  auth: ResolvedAuth & { issuer: string },
): Record<string, string> {
  new CfnOutput(stack, 'AuthIssuer', {
    value: auth.issuer,
    description: 'AUTH_ISSUER: the issuer whose tokens the server accepts',
  });
  audienceOutput(stack, auth);
  return { AUTH_ISSUER: auth.issuer, ...(auth.audience && { AUTH_AUDIENCE: auth.audience }) };
}

/** The `AuthAudience` output, when an audience is given. */
function audienceOutput(stack: Stack, auth: ResolvedAuth): void {
  if (!auth.audience) return;
  new CfnOutput(stack, 'AuthAudience', {
    value: auth.audience,
    description: 'AUTH_AUDIENCE: the aud tokens carry',
  });
}

/**
 * The output `auth=none` adds, so nobody mistakes the endpoint for a private one.
 *
 * @example
 * if (resolveAuth(props).mode === 'none') publicWarning(this);
 */
export function publicWarning(stack: Stack): void {
  new CfnOutput(stack, 'PublicEndpointWarning', {
    value:
      'PUBLIC: auth=none, anyone who knows the URL can call every tool (redeploy with auth=cognito or iam)',
    description: 'The endpoint requires no authentication',
  });
}

/**
 * The stack's own UUID (the last part of its ARN): unique, lowercase hex, known only at deploy time.
 *
 * @example
 * Fn.join('', ['lambda-mcp-buffered-', stackUuid()]); // a function name no other stack uses
 */
export function stackUuid(): string {
  return Fn.select(2, Fn.split('/', Aws.STACK_ID));
}
