// Tool titles and descriptions come from data/tool_definitions.yaml (loaded and checked with the config),
// so operators can edit them without code.
import type { AwsMonitorDeps } from './app.js';
import type { ToolDefinition } from './config.js';

/** The operator-editable text of tool `name`; the configuration loader guarantees it exists. */
export function toolText(deps: Pick<AwsMonitorDeps, 'config'>, name: string): ToolDefinition {
  const definition = deps.config.tools[name];
  if (!definition) throw new Error(`data/tool_definitions.yaml has no entry for ${name}`);
  return definition;
}
