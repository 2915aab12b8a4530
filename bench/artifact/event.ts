// The Function URL events the artifact cold start sends: the benchmark's first requests (requests.ts) as
// a Lambda Function URL (payload format 2.0) would hand them to the function, shaped after the shipped
// sample events/function-url-tools-call.json. Built before the timer starts.
import type { ColdRequest } from '../cold/child.js';
import { legacyInitialize, modernSessionInfo } from '../requests.js';

/** A Function URL event (payload 2.0) carrying `request`'s method, path, headers and body. */
export async function functionUrlEvent(request: Request): Promise<Record<string, unknown>> {
  const url = new URL(request.url);
  const domain = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-1.on.aws';
  const body = await request.text();
  const headers: Record<string, string> = {
    host: domain,
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'lambda-mcp-bench',
    'x-forwarded-for': '198.51.100.23',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: domain.split('.')[0],
      domainName: domain,
      domainPrefix: domain.split('.')[0],
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.23',
        userAgent: 'lambda-mcp-bench',
      },
      requestId: '7f3c2b1a-0d9e-4f8a-b7c6-d5e4f3a2b1c0',
      routeKey: '$default',
      stage: '$default',
      time: '03/Dec/2026:12:00:00 +0000',
      timeEpoch: 1_796_212_800_000,
    },
    body,
    isBase64Encoded: false,
  };
}

/** The event of a cold start's first request. */
export function firstEvent(request: ColdRequest): Promise<Record<string, unknown>> {
  return functionUrlEvent(request === 'legacy' ? legacyInitialize(1) : modernSessionInfo(1));
}
