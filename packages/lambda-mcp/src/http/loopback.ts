// The loopback interface's host names, in one list: the default browser origins, the Host allow-list of a
// server bound to localhost, and the test for whether a bind address is loopback all read it.

/** Hostnames of the loopback interface, as a `Host` header or URL writes them. */
export const LOOPBACK_HOSTNAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** Whether `host` (a bind address: `127.0.0.1`, `localhost`, `::1` or `[::1]`) is the loopback interface. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTNAMES.includes(host) || LOOPBACK_HOSTNAMES.includes(`[${host}]`);
}
