// Whether a DynamoDB endpoint is AWS's or a local one (DynamoDB Local, dynalite, LocalStack). Its own module,
// free of the AWS SDK, so `storesFromEnv` can tell without loading it.

/** Whether `endpoint` is a DynamoDB other than AWS's (DynamoDB Local, dynalite, LocalStack). */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = new URL(endpoint).hostname;
  return !/\.amazonaws\.com(\.cn)?$/.test(host) && !host.endsWith('.api.aws');
}
