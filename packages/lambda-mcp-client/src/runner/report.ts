// The runner's reports: the header printed before the run, the summary table (suite × pass/fail/skip, then each skip's reason and each failure's
// rule), the detailed per-test listing with timings and the wire exchange of failures, and the JSON report.
import { writeFile } from 'node:fs/promises';
import type { Suite } from '../options.js';
import { outcomeLabel, type Styles, testTitle } from './style.js';
import type { Outcome, TestResult } from './types.js';
import { formatExchanges } from './wire.js';

/** Counts per outcome. */
export interface Totals {
  pass: number;
  fail: number;
  skip: number;
  total: number;
}

/** Counts `results` by outcome. */
export function totals(results: readonly TestResult[]): Totals {
  const counts: Totals = { pass: 0, fail: 0, skip: 0, total: results.length };
  for (const result of results) counts[result.outcome satisfies Outcome]++;
  return counts;
}

/** What the report says about the run besides its results. */
export interface RunInfo {
  url: URL;
  suites: readonly Suite[];
  versions: readonly string[];
  /** Lines printed under the header (remarks about the run as a whole). */
  remarks?: readonly string[];
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

/**
 * The run's header, printed before any test runs: the target, the suites and revisions, and the remarks.
 *
 * @example
 * process.stdout.write(`${header({ url, suites: ['protocol'], versions: ['2026-07-28'] }, s)}\n\n`);
 */
export function header(info: RunInfo, s: Styles): string {
  const lines: string[] = [];
  lines.push(s.bold(`lambda-mcp-client test ${info.url.href}`));
  lines.push(`suites: ${info.suites.join(', ')}; revisions: ${info.versions.join(', ')}`);
  for (const remark of info.remarks ?? []) lines.push(s.dim(remark));
  return lines.join('\n');
}

/** The summary, after the run: table, skips with reasons, failures with messages, and the verdict line. */
export function summary(info: RunInfo, results: readonly TestResult[], s: Styles): string {
  const lines: string[] = [];
  const nameWidth = Math.max(8, ...info.suites.map((suite) => suite.length));
  lines.push(
    `${'suite'.padEnd(nameWidth)}  ${pad('pass', 5)}  ${pad('fail', 5)}  ${pad('skip', 5)}  ${pad('total', 5)}`,
  );
  const row = (name: string, t: Totals) =>
    `${name.padEnd(nameWidth)}  ${s.green(pad(t.pass, 5))}  ${t.fail > 0 ? s.red(pad(t.fail, 5)) : pad(t.fail, 5)}  ${
      t.skip > 0 ? s.yellow(pad(t.skip, 5)) : pad(t.skip, 5)
    }  ${pad(t.total, 5)}`;
  for (const suite of info.suites) lines.push(row(suite, totals(results.filter((r) => r.suite === suite))));
  const all = totals(results);
  lines.push(row('total', all));

  const skipped = results.filter((r) => r.outcome === 'skip');
  if (skipped.length > 0) {
    lines.push('', s.yellow(`Skipped (${skipped.length}; a skip never counts as a pass)`));
    for (const result of skipped) lines.push(`  - ${testTitle(result)}`, `      ${result.reason}`);
  }
  const failed = results.filter((r) => r.outcome === 'fail');
  if (failed.length > 0) {
    lines.push('', s.red(`Failed (${failed.length})`));
    for (const result of failed) lines.push(`  ✗ ${testTitle(result)}`, `      ${result.message}`);
  }
  lines.push('');
  if (all.total === 0) lines.push(s.red('FAIL: no test ran'));
  else if (all.fail === 0 && all.pass === 0) {
    lines.push(s.yellow(`NOT RUN: all ${all.total} tests were skipped; a skip never counts as a pass`));
  } else if (all.fail > 0) {
    lines.push(s.red(`FAIL: ${all.fail} failed, ${all.pass} passed, ${all.skip} skipped of ${all.total}`));
  } else lines.push(s.green(`PASS: ${all.pass} passed, ${all.skip} skipped of ${all.total}, none failed`));
  return lines.join('\n');
}

/** The detailed listing: every test with its outcome and time; failures with their message and exchange. */
export function detailedReport(results: readonly TestResult[], s: Styles): string {
  const lines: string[] = [s.bold('Tests')];
  for (const result of results) {
    lines.push(`  ${outcomeLabel(result.outcome, s)} ${pad(result.durationMs, 6)} ms  ${testTitle(result)}`);
    if (result.outcome === 'skip') lines.push(s.dim(`      skipped: ${result.reason}`));
    for (const note of result.notes ?? []) lines.push(s.dim(`      note: ${note}`));
    if (result.outcome === 'fail') {
      lines.push(`      ${s.red(result.message ?? '')}`);
      const exchanges = result.exchanges ?? [];
      lines.push(
        exchanges.length > 0
          ? `${s.dim('      wire exchange:')}\n${formatExchanges(exchanges, '        ')}`
          : s.dim('      (no HTTP exchange recorded)'),
      );
    }
  }
  return lines.join('\n');
}

/** The machine-readable report `--json` writes. */
export interface JsonReport {
  url: string;
  startedAt: string;
  finishedAt: string;
  suites: readonly Suite[];
  versions: readonly string[];
  totals: Totals;
  tests: readonly TestResult[];
}

/** Writes the JSON report to `file`. */
export async function writeJsonReport(file: string, report: JsonReport): Promise<void> {
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
