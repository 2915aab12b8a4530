// Lambda functions for `aws_real_time_monitor`. Loaded only when a request asks for Lambda.
import {
  type FunctionConfiguration,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { compact, keepTagged, type ListOptions, mapLimit, type Resource } from '../inventory.js';

/** A Lambda client with the SDK's own configuration chain (AWS_ENDPOINT_URL_LAMBDA included). */
export function createClient(config: { region?: string }): LambdaClient {
  return new LambdaClient(config);
}

/** Lambda: ListFunctions (every page, by Marker), ListTags for each function only when filtering. */
export async function listLambdaFunctions(
  client: LambdaClient,
  options: ListOptions = {},
): Promise<Resource[]> {
  const send = { abortSignal: options.abortSignal };
  const functions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListFunctionsCommand({ ...(marker && { Marker: marker }), MaxItems: 50 }),
      send,
    );
    functions.push(...(page.Functions ?? []));
    marker = page.NextMarker;
  } while (marker);

  const resources = await mapLimit(functions, async (fn): Promise<Resource> => {
    const name = fn.FunctionName ?? fn.FunctionArn ?? '(unnamed)';
    let tags: Record<string, string> | undefined;
    if (options.filterTags && fn.FunctionArn) {
      tags = { ...(await client.send(new ListTagsCommand({ Resource: fn.FunctionArn }), send)).Tags };
    }
    return {
      id: fn.FunctionArn ?? name,
      name,
      type: 'Lambda',
      state: fn.State ?? 'exists',
      details: compact({
        runtime: fn.Runtime,
        packageType: fn.PackageType,
        handler: fn.Handler,
        memorySize: fn.MemorySize,
        timeout: fn.Timeout,
        codeSize: fn.CodeSize,
        codeSha256: fn.CodeSha256,
        version: fn.Version,
        lastModified: fn.LastModified,
        architectures: fn.Architectures?.join(','),
      }),
      ...(tags && { tags }),
    };
  });
  return keepTagged(resources, options.filterTags);
}

/** The lister the inventory dispatches to. */
export const list = listLambdaFunctions;
