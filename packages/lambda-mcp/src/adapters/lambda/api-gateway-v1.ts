// The processor for API Gateway REST API events (payload format 1.0, also used by HTTP APIs set to 1.0):
// `httpMethod`, `path`, single and multi-value headers and query parameters in, `APIGatewayProxyResult` out.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readResultBody } from './body.js';
import { groupResponseHeaders } from './headers.js';
import { hasPayloadV1Shape, payloadV1Request } from './request.js';
import type { EventProcessor } from './types.js';
import { encodeQuery } from './url.js';

/**
 * REST API events. The URL path is `event.path` (the resource path, without the stage); the query string is
 * rebuilt from the decoded parameters. Result headers with one value go in `headers`, repeated ones (such as
 * several `set-cookie`) in `multiValueHeaders`.
 */
export const apiGatewayV1: EventProcessor<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  kind: 'api-gateway-v1',

  matches(event: unknown): event is APIGatewayProxyEvent {
    return hasPayloadV1Shape(event) && typeof event.path === 'string' && !('elb' in event.requestContext);
  },

  toRequest(event, signal) {
    const query = encodeQuery(event.queryStringParameters, event.multiValueQueryStringParameters);
    return payloadV1Request(event, query, event.requestContext?.domainName, signal);
  },

  async toResult(response, _event, stop) {
    const result: APIGatewayProxyResult = {
      statusCode: response.status,
      ...(await readResultBody(response, stop)),
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
