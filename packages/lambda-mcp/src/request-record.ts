// The one record the core reports of each request (`onrequest`): what routing learned on the way (the era,
// the body, the error it answered with) plus what the request and response headers say. Built once, after
// the response is ready, from values already in hand.
import type { PostBody } from './http/edge.js';
import type { LambdaMcpRequestOptions, RequestRecord } from './options.js';

/** What routing learned of a request, for {@link RequestRecord}. */
export interface Seen {
  body?: PostBody;
  era?: 'modern' | 'legacy';
  errorCode?: number;
}

type FirstMessage = {
  method?: unknown;
  params?: { name?: unknown; clientInfo?: { name?: unknown }; _meta?: Record<string, unknown> };
};

/** The {@link RequestRecord} of one answered request. */
export function describeRequest(
  request: Request,
  response: Response,
  seen: Seen,
  durationMs: number,
  extras: LambdaMcpRequestOptions | undefined,
): RequestRecord {
  const record: RequestRecord = {
    httpMethod: request.method,
    era: seen.era ?? 'edge',
    status: response.status,
    durationMs,
  };
  const value = seen.body?.kind === 'json' ? seen.body.value : undefined;
  const first = (Array.isArray(value) ? value[0] : value) as FirstMessage | undefined;
  if (typeof first?.method === 'string') record.rpcMethod = first.method;
  if (first?.method === 'tools/call' && typeof first.params?.name === 'string')
    record.toolName = first.params.name;
  const meta = first?.params?._meta;
  const metaClient = meta?.['io.modelcontextprotocol/clientInfo'] as { name?: unknown } | undefined;
  const clientName = first?.params?.clientInfo?.name ?? metaClient?.name;
  if (typeof clientName === 'string') record.clientName = clientName;
  if (typeof meta?.traceparent === 'string') record.traceparent = meta.traceparent;
  if (typeof meta?.tracestate === 'string') record.tracestate = meta.tracestate;
  const sessionId = request.headers.get('mcp-session-id') ?? response.headers.get('mcp-session-id');
  if (sessionId) record.sessionId = sessionId;
  if (seen.errorCode !== undefined) record.errorCode = seen.errorCode;
  if (extras?.lambdaContext?.awsRequestId) record.lambdaRequestId = extras.lambdaContext.awsRequestId;
  return record;
}
