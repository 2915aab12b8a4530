// Logical ids for McpStack: every resource that template.yaml also declares gets the id it has there, so the
// two templates name the same resources alike (and infra/test compares them resource by resource).
import { CfnResource } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The resources {@link stableId}, {@link renameAll} and {@link markRenamed} have named. */
const renamed = new WeakSet<Construct>();

/**
 * Records that `construct` was given its logical id by hand, so {@link renameAll} leaves it alone.
 *
 * @example
 * permission.overrideLogicalId('McpFunctionUrlPermission');
 * markRenamed(permission);
 */
export function markRenamed(construct: Construct): void {
  renamed.add(construct);
}

/**
 * Gives a construct's CloudFormation resource the logical id template.yaml uses for the same resource.
 *
 * @example
 * stableId(this.fn, 'McpFunction');
 */
export function stableId(construct: Construct, logicalId: string): void {
  const resource = construct.node.defaultChild as CfnResource;
  resource.overrideLogicalId(logicalId);
  renamed.add(resource);
}

/**
 * Renames the CloudFormation resources under `scope` by type (one of each type; CDK makes them internally),
 * leaving alone those already given a logical id here.
 *
 * @example
 * renameAll(this.httpApi, { 'AWS::ApiGatewayV2::Stage': 'HttpApiStage' });
 */
export function renameAll(scope: Construct, idsByType: Record<string, string>): void {
  for (const child of scope.node.findAll()) {
    const logicalId = CfnResource.isCfnResource(child) ? idsByType[child.cfnResourceType] : undefined;
    if (!logicalId || child === scope.node.defaultChild || renamed.has(child)) continue;
    (child as CfnResource).overrideLogicalId(logicalId);
    renamed.add(child);
  }
}
