// Terminal styling for the runner's output: ANSI colors only on a TTY and only while NO_COLOR is unset, and
// the progress line on stderr (rewritten in place on a TTY, one plain line per finished test otherwise).
import type { Outcome, PlannedTest, TestResult } from './types.js';

/** Color functions; identity functions when color is off. */
export interface Styles {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Whether to color output written to `stream`: a TTY, and NO_COLOR unset (or empty). */
export function colorFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

/** ANSI styles, or plain ones when `enabled` is false. */
export function styles(enabled: boolean): Styles {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** `pass` / `FAIL` / `skip`, colored. */
export function outcomeLabel(outcome: Outcome, s: Styles): string {
  if (outcome === 'pass') return s.green('pass');
  if (outcome === 'fail') return s.red('FAIL');
  return s.yellow('skip');
}

/** How a test is named in every listing: `suite [revision] name`. */
export function testTitle(test: { suite: string; name: string; version?: string }): string {
  return `${test.suite} [${test.version ?? 'any'}] ${test.name}`;
}

/** The progress line on stderr. */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #s: Styles;
  readonly #counts = { pass: 0, fail: 0, skip: 0 };
  #shown = false;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = Boolean(stream.isTTY);
    this.#s = styles(colorFor(stream));
  }

  /**
   * A test starts: on a TTY, the line shows it and the tally so far. `position` is `5/77`, or `5.2/77` for
   * the second follow-up test 5 queued (the total is the planned count and never changes).
   */
  start(position: string, test: PlannedTest): void {
    if (!this.#tty) return;
    const columns = this.#stream.columns || 100;
    const { pass, fail, skip } = this.#counts;
    const line = `[${position}] ${pass} pass, ${fail} fail, ${skip} skip · ${testTitle(test)}`;
    this.#stream.write(`\r\u001b[2K${line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line}`);
    this.#shown = true;
  }

  /** A test ended: off a TTY, one line per test. */
  finish(position: string, result: TestResult): void {
    this.#counts[result.outcome]++;
    if (this.#tty) return;
    const extra = result.outcome === 'skip' ? ` — ${result.reason}` : '';
    this.#stream.write(
      `[${position}] ${outcomeLabel(result.outcome, this.#s)} ${testTitle(result)} (${result.durationMs} ms)${extra}\n`,
    );
  }

  /** Clears the line before the summary is printed. */
  done(): void {
    if (this.#tty && this.#shown) this.#stream.write('\r\u001b[2K');
    this.#shown = false;
  }
}
