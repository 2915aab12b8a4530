// `npm run conformance -- --url <url> [--setting 2025-06-18|2025-11-25|2026-07-28|all] [--scenario <name>]`: runs
// the official MCP conformance suite, the version this project pins (test/conformance/runner, installed on first
// use with a Node it can run on), against any MCP endpoint, local or deployed; prints each scenario's outcome and
// exits 1 when one failed (2 for a bad command line). The same runner the test suite uses.
import {
  CONFORMANCE_SETTINGS,
  type ConformanceSetting,
  describeFailures,
  isExcludedScenario,
  runConformance,
} from '../test/conformance/run-conformance.js';

const USAGE =
  'usage: npm run conformance -- --url <mcp endpoint> [--setting 2025-06-18|2025-11-25|2026-07-28|all] [--scenario <name>]';

/** What the command line asks for. */
export interface ConformanceArgs {
  url: string;
  settings: ConformanceSetting[];
  scenario?: string;
}

/** Reads the command line; throws a usage message for anything missing or unknown. */
export function parseConformanceArgs(argv: string[]): ConformanceArgs {
  let url: string | undefined;
  let setting = 'all';
  let scenario: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    if (
      (flag === '--url' || flag === '--setting' || flag === '--scenario') &&
      (!value || value.startsWith('--'))
    ) {
      throw new Error(`${flag} needs a value\n${USAGE}`);
    }
    if (flag === '--url') url = value;
    else if (flag === '--setting') setting = value as string;
    else if (flag === '--scenario') scenario = value;
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
    i++;
  }
  if (!url) throw new Error(`--url is required\n${USAGE}`);
  if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`--url must be an http(s) URL; got "${url}"`);
  const settings =
    setting === 'all' ? [...CONFORMANCE_SETTINGS] : CONFORMANCE_SETTINGS.filter((known) => known === setting);
  if (settings.length === 0) {
    throw new Error(`--setting must be one of ${CONFORMANCE_SETTINGS.join(', ')} or all; got "${setting}"`);
  }
  return { url, settings, ...(scenario && { scenario }) };
}

async function main(): Promise<void> {
  let args: ConformanceArgs;
  try {
    args = parseConformanceArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  let failed = 0;
  for (const setting of args.settings) {
    const run = await runConformance(args.url, setting, args.scenario ? { scenario: args.scenario } : {});
    const scored = run.scenarios.filter((scenario) => !isExcludedScenario(scenario.name));
    const failing = scored.filter((scenario) => !scenario.passed);
    for (const scenario of run.scenarios) {
      const mark = isExcludedScenario(scenario.name) ? 'skip' : scenario.passed ? 'pass' : 'FAIL';
      console.log(`${setting}  ${mark}  ${scenario.name}`);
    }
    console.log(`${setting}: ${scored.length - failing.length}/${scored.length} scenarios passed`);
    if (run.scenarios.length === 0) {
      console.error(`${setting}: the suite reported no scenario:\n${run.output}`);
      failed++;
    }
    if (failing.length > 0) console.error(describeFailures(run, failing));
    failed += failing.length;
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && /conformance\.ts$/.test(process.argv[1])) await main();
