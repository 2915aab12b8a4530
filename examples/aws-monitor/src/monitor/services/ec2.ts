// EC2 instances for `aws_real_time_monitor`. Loaded only when a request asks for EC2 (its client is the
// largest of the four).
import { DescribeInstancesCommand, EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { compact, keepTagged, type ListOptions, type Resource } from '../inventory.js';

/** An EC2 client with the SDK's own configuration chain (AWS_ENDPOINT_URL_EC2 included). */
export function createClient(config: { region?: string }): EC2Client {
  return new EC2Client(config);
}

/** EC2: DescribeInstances (every page), the tag filter sent as `tag:<key>` Filters so AWS applies it. */
export async function listEc2Instances(client: EC2Client, options: ListOptions = {}): Promise<Resource[]> {
  const send = { abortSignal: options.abortSignal };
  const filters: Filter[] = Object.entries(options.filterTags ?? {}).map(([key, value]) => ({
    Name: `tag:${key}`,
    Values: [value],
  }));
  const instances: Instance[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        ...(filters.length > 0 && { Filters: filters }),
        MaxResults: 1000,
        ...(next && { NextToken: next }),
      }),
      send,
    );
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    next = page.NextToken;
  } while (next);

  const resources = instances.map((instance): Resource => {
    const tags: Record<string, string> = {};
    for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    const id = instance.InstanceId ?? '(unknown instance)';
    return {
      id,
      name: tags.Name || id,
      type: 'EC2',
      state: instance.State?.Name ?? 'exists',
      details: compact({
        instanceType: instance.InstanceType,
        availabilityZone: instance.Placement?.AvailabilityZone,
        imageId: instance.ImageId,
        privateIpAddress: instance.PrivateIpAddress,
        publicIpAddress: instance.PublicIpAddress,
        launchTime: instance.LaunchTime?.toISOString(),
      }),
      tags,
    };
  });
  // AWS already filtered; checking again keeps the contract the same for every type.
  return keepTagged(resources, options.filterTags);
}

/** The lister the inventory dispatches to. */
export const list = listEc2Instances;
