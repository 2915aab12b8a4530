// The processor for payload format 2.0 events, shared by API Gateway HTTP APIs and Lambda Function URLs:
// `rawPath`, `rawQueryString`, `cookies` in, `APIGatewayProxyStructuredResultV2` with a `cookies` array out.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRecord } from '../../guards.js';
import { readResultBody } from './body.js';
import { groupResponseHeaders, toRequestHeaders } from './headers.js';
import { webRequest } from './request.js';
import type { EventProcessor } from './types.js';
import { requestUrl } from './url.js';

/**
 * HTTP API and Function URL events. The URL is `rawPath` plus `rawQueryString` as the client sent them
 * (on an HTTP API stage other than `$default`, `rawPath` starts with the stage name); `cookies` become one
 * `cookie` header. In the result, `set-cookie` values go in `cookies`, every other header in `headers`.
 */
export const apiGatewayV2: EventProcessor<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
  kind: 'api-gateway-v2',

  matches(event: unknown): event is APIGatewayProxyEventV2 {
    return (
      isRecord(event) &&
      event.version === '2.0' &&
      isRecord(event.requestContext) &&
      isRecord(event.requestContext.http) &&
      typeof event.requestContext.http.method === 'string'
    );
  },

  toRequest(event, signal) {
    const headers = toRequestHeaders(event.headers);
    if (event.cookies && event.cookies.length > 0) headers.set('cookie', event.cookies.join('; '));
    const path = event.rawPath ?? event.requestContext.http.path;
    const url = requestUrl(headers, event.requestContext.domainName, path, event.rawQueryString ?? '');
    return webRequest(event.requestContext.http.method, url, headers, event, signal);
  },

  async toResult(response, _event, stop) {
    const result: APIGatewayProxyStructuredResultV2 = {
      statusCode: response.status,
      ...(await readResultBody(response, stop)),
    };
    const headers: Record<string, string> = {};
    for (const [name, values] of groupResponseHeaders(response.headers)) {
      if (name === 'set-cookie') result.cookies = values;
      else headers[name] = values.join(', ');
    }
    result.headers = headers;
    return result;
  },
};
