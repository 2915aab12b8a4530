// RFC 9728 Protected Resource Metadata for the MCP endpoint: which URL is the resource, where its document lives
// (`/.well-known/oauth-protected-resource` and the form suffixed with the endpoint path), and the document itself,
// built by the SDK's `buildOAuthProtectedResourceMetadata` and served with open CORS so browser clients can read it.

import {
  buildOAuthProtectedResourceMetadata,
  getOAuthProtectedResourceMetadataUrl,
  type OAuthMetadata,
  resourceUrlFromServerUrl,
} from '@modelcontextprotocol/server';
import { METADATA_PREFIX } from '../http/mount.js';
import { jsonRpcErrorResponse, RpcCode } from '../http/responses.js';
import type { ResolvedAuth } from './config.js';

/** The endpoint path the root metadata document names when nothing else tells it (the Lambda default route). */
export const DEFAULT_ENDPOINT_PATH = '/mcp';

const METHODS = 'GET, HEAD, OPTIONS';

/** Whether `pathname` is a protected-resource metadata path (the root form or a suffixed one). */
export function isMetadataPath(pathname: string): boolean {
  return pathname === METADATA_PREFIX || pathname.startsWith(`${METADATA_PREFIX}/`);
}

/**
 * Whether `request` asks for a metadata document. Every MCP request passes here, so the URL is parsed only when
 * its text names the prefix at all.
 */
export function isMetadataRequest(request: Request): boolean {
  return request.url.includes(METADATA_PREFIX) && isMetadataPath(new URL(request.url).pathname);
}

/**
 * The resource URL of the endpoint `request` was sent to: the configured one (an http(s) `audience`), else the
 * request's own origin and `endpointPath` (default: the request's path).
 *
 * Derived from the request, the audience follows the `Host` header; set `AUTH_AUDIENCE` (or `allowedHosts`) in
 * production so a token minted for another resource of the same issuer cannot be replayed with a forged Host.
 *
 * @example
 * resourceFor(auth, new Request('https://mcp.example.com/mcp')).href; // 'https://mcp.example.com/mcp'
 */
export function resourceFor(auth: ResolvedAuth, request: Request, endpointPath?: string): URL {
  if (auth.resource) return auth.resource;
  const url = new URL(request.url);
  return resourceUrlFromServerUrl(new URL(endpointPath ?? url.pathname, url.origin));
}

/**
 * The URL of the endpoint's metadata document, as the SDK builds it (path inserted after the well-known prefix).
 *
 * @example
 * metadataUrlFor(new URL('https://mcp.example.com/mcp')); // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 */
export function metadataUrlFor(resource: URL): string {
  return getOAuthProtectedResourceMetadataUrl(resource);
}

/**
 * The answer to a request for a metadata document, or `undefined` when `request` is not for one. The suffix of a
 * suffixed path names the endpoint; with a configured resource any suffix ending its path is accepted (an API
 * Gateway stage is stripped from the path the function sees), another answers 404.
 *
 * @example
 * return metadataResponse(auth, request, '/mcp') ?? serveMcp(request);
 */
export function metadataResponse(
  auth: ResolvedAuth,
  request: Request,
  endpointPath?: string,
): Response | undefined {
  if (!request.url.includes(METADATA_PREFIX)) return undefined;
  const pathname = new URL(request.url).pathname.replace(/(.)\/$/, '$1');
  if (!isMetadataPath(pathname)) return undefined;
  const suffix = pathname.slice(METADATA_PREFIX.length);
  if (auth.resource && suffix !== '' && !auth.resource.pathname.replace(/\/$/, '').endsWith(suffix)) {
    return jsonRpcErrorResponse(404, RpcCode.ServerError, 'Not Found: no protected resource at this path', {
      'access-control-allow-origin': '*',
    });
  }
  const cors = { 'access-control-allow-origin': '*' };
  if (request.method === 'OPTIONS') {
    const requested = request.headers.get('access-control-request-headers');
    return new Response(null, {
      status: 204,
      headers: {
        ...cors,
        'access-control-allow-methods': METHODS,
        ...(requested !== null && { 'access-control-allow-headers': requested }),
        'access-control-max-age': '86400',
      },
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return jsonRpcErrorResponse(405, RpcCode.ServerError, 'Method not allowed.', { allow: METHODS, ...cors });
  }
  const resource = resourceFor(auth, request, suffix || endpointPath || DEFAULT_ENDPOINT_PATH);
  const document = {
    ...buildOAuthProtectedResourceMetadata({
      // Only `issuer` is read; the authorization server's own metadata is its business to serve.
      oauthMetadata: { issuer: auth.issuer } as OAuthMetadata,
      resourceServerUrl: resource,
      ...(auth.scopesSupported.length > 0 && { scopesSupported: auth.scopesSupported }),
      // The issuer URL was checked at start-up (https, or http on loopback, as the SDK requires).
      dangerouslyAllowInsecureIssuerUrl: true,
    }),
    bearer_methods_supported: ['header'],
  };
  const response = Response.json(document, { headers: { ...cors, 'cache-control': 'max-age=300' } });
  return request.method === 'HEAD' ? new Response(null, { headers: response.headers }) : response;
}
