// The processor for API Gateway REST API events (payload format 1.0, also used by HTTP APIs set to 1.0):
// `httpMethod`, `path`, single and multi-value headers and query parameters in, `APIGatewayProxyResult` out.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isRecord } from '../../guards.js';
import { encodeBody, readBody, toRequestBody } from './body.js';
import { groupResponseHeaders, toRequestHeaders } from './headers.js';
import type { EventProcessor } from './types.js';
import { encodeQuery, requestUrl } from './url.js';

/**
 * REST API events. The URL path is `event.path` (the resource path, without the stage); the query string is
 * rebuilt from the decoded parameters. Result headers with one value go in `headers`, repeated ones (such as
 * several `set-cookie`) in `multiValueHeaders`.
 */
export const apiGatewayV1: EventProcessor<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  kind: 'api-gateway-v1',

  matches(event: unknown): event is APIGatewayProxyEvent {
    return (
      isRecord(event) &&
      typeof event.httpMethod === 'string' &&
      typeof event.path === 'string' &&
      isRecord(event.requestContext) &&
      !('elb' in event.requestContext)
    );
  },

  toRequest(event, signal) {
    const headers = toRequestHeaders(event.headers, event.multiValueHeaders);
    const query = encodeQuery(event.queryStringParameters, event.multiValueQueryStringParameters);
    const url = requestUrl(headers, event.requestContext?.domainName, event.path, query);
    const body = toRequestBody(event.httpMethod, event.body, event.isBase64Encoded);
    return new Request(url, { method: event.httpMethod, headers, body, signal });
  },

  async toResult(response, _event, stop) {
    const result: APIGatewayProxyResult = {
      statusCode: response.status,
      ...encodeBody(
        await readBody(response, stop),
        response.headers.get('content-type'),
        response.headers.get('content-encoding'),
      ),
    };
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, values] of groupResponseHeaders(response.headers)) {
      if (values.length === 1) headers[name] = values[0] as string;
      else multiValueHeaders[name] = values;
    }
    result.headers = headers;
    if (Object.keys(multiValueHeaders).length > 0) result.multiValueHeaders = multiValueHeaders;
    return result;
  },
};
