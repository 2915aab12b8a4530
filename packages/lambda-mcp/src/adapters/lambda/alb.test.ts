// Tests of the ALB processor, with and without multi-value headers: event to Request, Response to ALBResult.
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { alb } from './alb.js';
import { albEvent, albMultiValueEvent, binaryBase64, binaryBytes, fixtureJsonRpcBody } from './fixtures.js';
import { type ResultCase, runProcessorSuite, withCookies } from './processor-suite.js';

const cookieResponse = () =>
  withCookies('{"ok":true}', { 'content-type': 'application/json' }, ['a=1; Path=/', 'b=2; Path=/']);

const results: ResultCase<ALBEvent, ALBResult>[] = [
  {
    name: 'answers single-value headers with a status description',
    response: () => Response.json({ ok: true }),
    equals: {
      statusCode: 200,
      statusDescription: '200 OK',
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      isBase64Encoded: false,
    },
  },
  {
    name: 'answers multiValueHeaders when the request used them, one entry per cookie',
    response: cookieResponse,
    event: albMultiValueEvent,
    equals: {
      statusCode: 200,
      statusDescription: '200 OK',
      multiValueHeaders: {
        'content-type': ['application/json'],
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
      },
      body: '{"ok":true}',
      isBase64Encoded: false,
    },
  },
  {
    name: 'folds repeated headers into one value without multi-value headers',
    response: cookieResponse,
    headers: { 'content-type': 'application/json', 'set-cookie': 'a=1; Path=/, b=2; Path=/' },
  },
  {
    name: 'answers SSE as text',
    response: () =>
      new Response('data: 1\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    contains: { body: 'data: 1\n\n', isBase64Encoded: false },
  },
  {
    name: 'answers binary as base64, with the status reason',
    response: () =>
      new Response(binaryBytes, { status: 404, headers: { 'content-type': 'application/octet-stream' } }),
    equals: {
      statusCode: 404,
      statusDescription: '404 Not Found',
      headers: { 'content-type': 'application/octet-stream' },
      body: binaryBase64,
      isBase64Encoded: true,
    },
  },
];

runProcessorSuite({
  name: 'alb',
  processor: alb,
  recognises: 'ALB',
  event: albEvent,
  requests: [
    {
      name: 'converts a single-value GET: no body, http scheme, query left as encoded',
      event: albEvent,
      method: 'GET',
      url: 'http://lambda-alb-123578498.us-east-2.elb.amazonaws.com/health?query=1234ABCD&q=hello%20world',
      headers: { accept: 'application/json', 'x-amzn-trace-id': 'Root=1-5c536348-3d683b8b04734faae651f476' },
      body: null,
    },
    {
      name: 'converts a multi-value POST: repeated headers and parameters, body',
      event: albMultiValueEvent,
      method: 'POST',
      url: 'https://lambda-alb-123578498.us-east-2.elb.amazonaws.com/mcp?tag=a&tag=b&q=hello%20world',
      headers: { 'x-custom': 'first, second', cookie: 'theme=dark; session=abc123' },
      body: fixtureJsonRpcBody,
    },
    {
      name: 'decodes a base64 body into the exact bytes',
      event: () => albMultiValueEvent({ body: binaryBase64, isBase64Encoded: true }),
      body: binaryBytes,
    },
    {
      name: 'uses localhost when the event has no host header',
      event: () => albEvent({ headers: {}, queryStringParameters: {} }),
      url: 'https://localhost/health',
    },
  ],
  results,
});
