// The processor for Application Load Balancer events: headers and query parameters (left URL-encoded by the
// load balancer) in, an `ALBResult` with a `statusDescription` and the same header mode as the request out.
import { STATUS_CODES } from 'node:http';
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { isRecord } from '../../guards.js';
import { readResultBody } from './body.js';
import { groupResponseHeaders } from './headers.js';
import { hasPayloadV1Shape, payloadV1Request } from './request.js';
import type { EventProcessor } from './types.js';
import { joinRawQuery } from './url.js';

/**
 * ALB target-group events. When the target group has multi-value headers on, the event carries
 * `multiValueHeaders` and the result must use `multiValueHeaders` too; otherwise each header has one value,
 * so repeated response headers (several `set-cookie` included) are folded into one comma-separated value:
 * turn multi-value headers on to send more than one cookie.
 */
export const alb: EventProcessor<ALBEvent, ALBResult> = {
  kind: 'alb',

  matches(event: unknown): event is ALBEvent {
    return hasPayloadV1Shape(event) && isRecord(event.requestContext.elb);
  },

  toRequest(event, signal) {
    const query = joinRawQuery(event.queryStringParameters, event.multiValueQueryStringParameters);
    return payloadV1Request(event, query, undefined, signal);
  },

  async toResult(response, event, stop) {
    const reason = response.statusText || STATUS_CODES[response.status] || '';
    const result: ALBResult = {
      statusCode: response.status,
      statusDescription: `${response.status} ${reason}`.trim(),
      ...(await readResultBody(response, stop)),
    };
    const grouped = groupResponseHeaders(response.headers);
    if (event.multiValueHeaders) {
      result.multiValueHeaders = Object.fromEntries(grouped);
    } else {
      result.headers = Object.fromEntries([...grouped].map(([name, values]) => [name, values.join(', ')]));
    }
    return result;
  },
};
