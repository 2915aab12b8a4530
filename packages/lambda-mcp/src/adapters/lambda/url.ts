// URL building shared by the event processors: scheme and host from the forwarded headers (or the request
// context's domain name), then the path and a query string rebuilt from the event's parameter maps.

type SingleValueMap = Record<string, string | undefined>;
type MultiValueMap = Record<string, string[] | undefined>;

/**
 * The absolute URL of a request: `x-forwarded-proto` (default `https`), then the `host` header, else
 * `fallbackHost`, else `localhost`; `query` is appended after a `?` when not empty.
 */
export function requestUrl(
  headers: Headers,
  fallbackHost: string | undefined,
  path: string,
  query: string,
): string {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'https';
  const host = headers.get('host') || fallbackHost || 'localhost';
  const pathname = path.startsWith('/') ? path : `/${path}`;
  return `${proto}://${host}${pathname}${query ? `?${query}` : ''}`;
}

/** A query string from decoded parameters (API Gateway REST), percent-encoded again; multi-value wins. */
export function encodeQuery(single?: SingleValueMap | null, multi?: MultiValueMap | null): string {
  const params = new URLSearchParams();
  for (const [name, values] of parameterEntries(single, multi)) {
    for (const value of values) params.append(name, value);
  }
  return params.toString();
}

/** A query string from parameters the load balancer left encoded (ALB), joined as they came. */
export function joinRawQuery(single?: SingleValueMap | null, multi?: MultiValueMap | null): string {
  const pairs: string[] = [];
  for (const [name, values] of parameterEntries(single, multi)) {
    for (const value of values) pairs.push(`${name}=${value}`);
  }
  return pairs.join('&');
}

function parameterEntries(
  single?: SingleValueMap | null,
  multi?: MultiValueMap | null,
): [string, string[]][] {
  if (multi && Object.keys(multi).length > 0) {
    return Object.entries(multi).map(([name, values]) => [name, values ?? []]);
  }
  return Object.entries(single ?? {}).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, [value]] as [string, string[]]],
  );
}
