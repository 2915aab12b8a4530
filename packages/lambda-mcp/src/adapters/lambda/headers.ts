// Header conversions shared by the event processors: event header maps (single and multi-value) into web
// `Headers`, and web `Headers` back into per-name value lists for the results.

type SingleValueMap = Record<string, string | undefined>;
type MultiValueMap = Record<string, string[] | undefined>;

/**
 * Builds request `Headers` from an event's header maps. Multi-value entries win (they hold every value);
 * single-value entries fill in names the multi-value map lacks.
 */
export function toRequestHeaders(single?: SingleValueMap | null, multi?: MultiValueMap | null): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(multi ?? {})) {
    for (const value of values ?? []) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(single ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }
  return headers;
}

/**
 * Groups response headers by lower-case name. `set-cookie` keeps one entry per cookie; every other repeated
 * header arrives already folded into one comma-separated value, as `Headers` does.
 */
export function groupResponseHeaders(headers: Headers): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  return grouped;
}
