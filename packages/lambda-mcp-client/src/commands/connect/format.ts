// How the `connect` REPL shows things, as text to write: notifications on one line each, content blocks,
// the tool, prompt and resource listings, a call's result, a read resource, a prompt's messages, the
// session's info and the help table.
import type * as V2 from '@modelcontextprotocol/client';
import type { Styles } from '../../runner/style.js';
import type { SessionEvent, SessionInfo } from '../../session.js';

/** One notification on one line: time, method, and the log message or the params. */
export function formatEvent(event: SessionEvent, out: Styles): string {
  const time = out.dim(event.at.toISOString().slice(11, 23));
  const params = (event.params ?? {}) as Record<string, unknown>;
  if (event.method === 'notifications/message') {
    const data = typeof params.data === 'string' ? params.data : JSON.stringify(params.data);
    const logger = typeof params.logger === 'string' ? ` ${params.logger}` : '';
    return `${time} ${out.yellow(`[${String(params.level ?? 'log')}${logger}]`)} ${data}`;
  }
  const { _meta, ...shown } = params;
  const body = Object.keys(shown).length > 0 ? ` ${JSON.stringify(shown)}` : '';
  return `${time} ${out.cyan(event.method)}${body}`;
}

/** Shows and empties the notifications that arrived while nobody looked. */
export function formatBacklog(backlog: SessionEvent[], out: Styles): string {
  if (backlog.length === 0) return `${out.dim('No notifications waiting.')}\n`;
  return `${backlog
    .splice(0)
    .map((event) => formatEvent(event, out))
    .join('\n')}\n`;
}

/** Content blocks as text: text as is, other kinds as a one-line summary. */
export function formatContent(blocks: unknown[], out: Styles): string {
  return blocks
    .map((raw) => {
      const block = raw as Record<string, unknown>;
      switch (block.type) {
        case 'text':
          return String(block.text);
        case 'image':
        case 'audio':
          return out.dim(
            `[${block.type} ${String(block.mimeType)}, ${String(block.data ?? '').length} base64 characters]`,
          );
        case 'resource_link':
          return out.dim(
            `[resource link] ${String(block.uri)}${block.name ? ` (${String(block.name)})` : ''}`,
          );
        case 'resource': {
          const resource = (block.resource ?? {}) as Record<string, unknown>;
          const head = out.dim(`[resource] ${String(resource.uri)}`);
          return typeof resource.text === 'string' ? `${head}\n${resource.text}` : head;
        }
        default:
          return JSON.stringify(block);
      }
    })
    .join('\n');
}

/** A description after a name: its first line, dimmed. */
function describe(text: string | undefined, out: Styles): string {
  const first = text?.split('\n')[0]?.trim();
  if (!first) return '';
  return `  ${out.dim(first.length > 100 ? `${first.slice(0, 99)}…` : first)}`;
}

/** One line of a listing: the name in bold, what follows it, then the first line of its description. */
interface Entry {
  name: string;
  detail: string;
  description: string | undefined;
}

/** `3 tools:` and a line per entry. */
function listing(noun: string, entries: readonly Entry[], out: Styles): string {
  const lines = entries.map((e) => `  ${out.bold(e.name)}${e.detail}${describe(e.description, out)}\n`);
  return `${entries.length} ${noun}${entries.length === 1 ? '' : 's'}:\n${lines.join('')}`;
}

/** `(a, b?)`: parameter names, the optional ones marked. */
function parameters(params: readonly { name: string; required: boolean }[]): string {
  return `(${params.map((p) => (p.required ? p.name : `${p.name}?`)).join(', ')})`;
}

/** The `tools` listing: each tool with its arguments (from its inputSchema). */
export function formatTools(tools: readonly V2.Tool[], out: Styles): string {
  const entries = tools.map((tool) => {
    const schema = tool.inputSchema as { properties?: Record<string, unknown>; required?: string[] };
    const args = Object.keys(schema.properties ?? {}).map((name) => ({
      name,
      required: schema.required?.includes(name) ?? false,
    }));
    return { name: tool.name, detail: parameters(args), description: tool.title ?? tool.description };
  });
  return listing('tool', entries, out);
}

/** The `prompts` listing: each prompt with its arguments. */
export function formatPrompts(prompts: readonly V2.Prompt[], out: Styles): string {
  const entries = prompts.map((prompt) => {
    const args = (prompt.arguments ?? []).map((arg) => ({ name: arg.name, required: Boolean(arg.required) }));
    return { name: prompt.name, detail: parameters(args), description: prompt.title ?? prompt.description };
  });
  return listing('prompt', entries, out);
}

/** The `resources` listing: the resources with their MIME types, then the templates (if any). */
export function formatResources(
  resources: readonly V2.Resource[],
  templates: readonly V2.ResourceTemplateType[],
  out: Styles,
): string {
  const shown = listing(
    'resource',
    resources.map((resource) => ({
      name: resource.uri,
      detail: resource.mimeType ? out.dim(` (${resource.mimeType})`) : '',
      description: resource.title ?? resource.name,
    })),
    out,
  );
  if (templates.length === 0) return shown;
  const entries = templates.map((t) => ({ name: t.uriTemplate, detail: '', description: t.title ?? t.name }));
  return shown + listing('template', entries, out);
}

/** A tool call's result: its content, and its structured content when no text block carries it. */
export function formatCallResult(result: V2.CallToolResult, out: Styles): string {
  let text = result.isError ? `${out.red(out.bold('error result:'))}\n` : '';
  const shown = formatContent(result.content as unknown[], out);
  if (shown) text += `${shown}\n`;
  if (result.structuredContent !== undefined && !result.content.some((block) => block.type === 'text')) {
    text += `${JSON.stringify(result.structuredContent, null, 2)}\n`;
  }
  return text;
}

/** A read resource: each content's URI and type, then its text (or the size of its blob). */
export function formatContents(contents: V2.ReadResourceResult['contents'], out: Styles): string {
  return (contents as { uri: string; mimeType?: string; text?: string; blob?: string }[])
    .map(
      (content) =>
        `${out.dim(`${content.uri}${content.mimeType ? ` (${content.mimeType})` : ''}`)}\n` +
        (content.text !== undefined
          ? `${content.text}\n`
          : `[blob, ${content.blob?.length ?? 0} base64 characters]\n`),
    )
    .join('');
}

/** A prompt's description and messages, each message after its role. */
export function formatPromptResult(result: V2.GetPromptResult, out: Styles): string {
  const description = result.description ? `${out.dim(result.description)}\n` : '';
  const messages = result.messages.map(
    (message) => `${out.bold(`${message.role}:`)} ${formatContent([message.content], out)}\n`,
  );
  return description + messages.join('');
}

/** The server as the banner and `info` name it: name and version, when it said. */
export function serverName(info: SessionInfo): string | undefined {
  const server = info.serverInfo;
  return server ? `${server.name} ${server.version ?? ''}`.trim() : undefined;
}

/** `info`: server, revision, session, capabilities, and what the server lists or says of itself. */
export function formatInfo(info: SessionInfo, out: Styles): string {
  const rows: [string, string | undefined][] = [
    ['server', serverName(info) ?? '(anonymous)'],
    ['protocol', `${info.protocolVersion ?? '?'} (${info.era})`],
    ['session', info.sessionId ?? 'none (2026-07-28 is stateless)'],
    ['capabilities', JSON.stringify(info.capabilities ?? {})],
    ['supports', info.supportedVersions?.join(', ')],
    ['instructions', info.instructions || undefined],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${out.bold(label)}${' '.repeat(14 - label.length)}${value}\n`)
    .join('');
}

/** `help`: the commands with their synopses, then how questions and Ctrl-C work. */
export function formatHelp(commands: readonly (readonly [string, string, string])[], out: Styles): string {
  const rows = commands.map(([name, synopsis, text]) => {
    const padding = ' '.repeat(Math.max(2, 22 - name.length - synopsis.length));
    return `  ${out.bold(name)} ${synopsis}${padding}${text}\n`;
  });
  return (
    `Commands:\n${rows.join('')}` +
    `${out.dim('When the server asks for input, answer each field; :decline or :cancel refuses.')}\n` +
    `${out.dim('Ctrl-C cancels a running call; Ctrl-D or quit ends the session.')}\n`
  );
}
