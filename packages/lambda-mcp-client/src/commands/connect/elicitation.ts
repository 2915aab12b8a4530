// The server's requests for input as the `connect` REPL asks them on its readline: the message, then each
// field of a form with its kind, choices and default (or accept / decline / cancel for URL mode and empty
// forms), each typed answer parsed against its field and asked again when it does not fit.
import { isRecord } from '../../guards.js';
import type { Styles } from '../../runner/style.js';
import type { ElicitationAnswer, ElicitationField, ElicitationRequest } from '../../session.js';
import { INTERRUPTED, type Terminal } from './line-queue.js';

/**
 * Asks the user what the server wants to know, on the REPL's readline: the message, then each field of a
 * form (or, for URL mode and empty forms, accept / decline / cancel). `:decline` or `:cancel` at any
 * field refuses; Ctrl-C or end of input cancels.
 */
export async function askUser(request: ElicitationRequest, term: Terminal): Promise<ElicitationAnswer> {
  const { lines, rl, interactive, out, write } = term;
  const origin = request.via === 'input_required' ? 'The server needs input (MRTR)' : 'The server asks';
  // A question between commands (on the GET stream) starts below the prompt it interrupts.
  if (interactive && lines.idle) write('\n');
  write(`${out.yellow('?')} ${out.bold(origin)}: ${request.message}\n`);
  type Typed = { text: string } | 'decline' | 'cancel';
  const ask = async (prompt: string): Promise<Typed> => {
    const line = await lines.next(prompt, true);
    if (line === null || line === INTERRUPTED) return 'cancel';
    // An answer is not a command: keep it out of the readline history.
    const history = (rl as unknown as { history?: string[] }).history;
    if (interactive && Array.isArray(history) && history[0] === line) history.shift();
    const trimmed = line.trim();
    if (trimmed === ':decline') return 'decline';
    if (trimmed === ':cancel') return 'cancel';
    return { text: line };
  };
  const chooseAction = async (): Promise<ElicitationAnswer> => {
    for (;;) {
      const answer = await ask(`  ${out.bold('[a]ccept, [d]ecline or [c]ancel')}? `);
      if (answer === 'decline' || answer === 'cancel') return { action: answer };
      const word = answer.text.trim().toLowerCase();
      if (word === 'a' || word === 'accept' || word === '') return { action: 'accept', content: {} };
      if (word === 'd' || word === 'decline') return { action: 'decline' };
      if (word === 'c' || word === 'cancel') return { action: 'cancel' };
      write(`  ${out.red('answer a, d or c')}\n`);
    }
  };

  if (request.mode === 'url') {
    write(`  Open ${out.bold(request.url ?? '(no URL given)')}\n`);
    const answer = await chooseAction();
    return answer.action === 'accept' ? { action: 'accept' } : answer;
  }
  const properties = Object.entries(request.requestedSchema?.properties ?? {});
  if (properties.length === 0) return chooseAction();
  if (interactive) write(`${out.dim('  (answer each field; :decline or :cancel refuses)')}\n`);
  const required = new Set(request.requestedSchema?.required ?? []);
  const content: Record<string, string | number | boolean | string[]> = {};
  for (const [name, field] of properties) {
    for (;;) {
      const answer = await ask(`  ${fieldPrompt(name, field, required.has(name), out)}: `);
      if (answer === 'decline' || answer === 'cancel') return { action: answer };
      const parsed = parseField(answer.text, field, required.has(name));
      if (parsed instanceof Error) {
        write(`  ${out.red(parsed.message)}\n`);
        continue;
      }
      if (parsed !== undefined) content[name] = parsed;
      break;
    }
  }
  return { action: 'accept', content };
}

/** The choices of an enum field: value and label. */
function choicesOf(field: ElicitationField): { value: string; label: string }[] | undefined {
  const options =
    field.type === 'array' ? (field.items?.anyOf ?? field.items?.enum) : (field.oneOf ?? field.enum);
  if (!options) return undefined;
  return options.map((option, index) => {
    if (isRecord(option) && 'const' in option) {
      const { const: value, title } = option as { const: unknown; title?: string };
      return { value: String(value), label: title ?? String(value) };
    }
    return { value: String(option), label: field.enumNames?.[index] ?? String(option) };
  });
}

/** The prompt of one form field: its name (and title), description, kind, whether required, default. */
function fieldPrompt(name: string, field: ElicitationField, required: boolean, out: Styles): string {
  const choices = choicesOf(field);
  const kind = choices
    ? `${field.type === 'array' ? 'some of' : 'one of'} ${choices.map((c, i) => `${i + 1}=${c.label}`).join(', ')}`
    : field.type === 'boolean'
      ? 'y/n'
      : (field.format ?? field.type ?? 'string');
  const notes = [kind, required ? 'required' : 'optional'];
  if (field.default !== undefined) notes.push(`default ${JSON.stringify(field.default)}`);
  const label = field.title && field.title !== name ? `${name} (${field.title})` : name;
  const description = field.description ? ` ${out.dim(field.description)}` : '';
  return `${out.bold(label)}${description} ${out.dim(`[${notes.join('; ')}]`)}`;
}

/** Parses a typed answer for a field: its value, undefined to leave it out, or an Error to ask again. */
export function parseField(
  text: string,
  field: ElicitationField,
  required: boolean,
): string | number | boolean | string[] | undefined | Error {
  const value = text.trim();
  if (value === '') {
    if (field.default !== undefined) return field.default as string | number | boolean | string[];
    return required ? new Error('a value is required (or :decline / :cancel)') : undefined;
  }
  const choices = choicesOf(field);
  const pick = (word: string): string | undefined => {
    const index = Number(word);
    if (Number.isInteger(index) && index >= 1 && index <= (choices?.length ?? 0))
      return choices?.[index - 1]?.value;
    return choices?.find((c) => c.value === word || c.label.toLowerCase() === word.toLowerCase())?.value;
  };
  if (field.type === 'array') {
    const picked = value.split(',').map((word) => word.trim());
    const values = choices ? picked.map(pick) : picked;
    if (values.some((v) => v === undefined))
      return new Error('pick among the listed choices, separated by commas');
    return values as string[];
  }
  if (choices) return pick(value) ?? new Error('pick one of the listed choices (its number or its value)');
  switch (field.type) {
    case 'boolean':
      if (/^(y|yes|true|1)$/i.test(value)) return true;
      if (/^(n|no|false|0)$/i.test(value)) return false;
      return new Error('answer y or n');
    case 'number':
    case 'integer': {
      const number = Number(value);
      if (!Number.isFinite(number)) return new Error('a number is expected');
      if (field.type === 'integer' && !Number.isInteger(number))
        return new Error('a whole number is expected');
      if (field.minimum !== undefined && number < field.minimum)
        return new Error(`at least ${field.minimum}`);
      if (field.maximum !== undefined && number > field.maximum) return new Error(`at most ${field.maximum}`);
      return number;
    }
    default:
      return value;
  }
}
