// `lambda-mcp-client test`: plans the chosen suites for the chosen revisions, runs them against the URL
// (skipping a revision the server does not speak, with that reason), prints the header first, then the
// progress, the summary (and the detailed report), writes the JSON report, and answers the exit code: 1 when any test failed or none passed, 0
// otherwise. Every request carries the token of `--token` / `--client-credentials`; the auth suite is part
// of `all` only when there is one.
import { authorizedFetch, identitiesFor } from '../auth/bearer.js';
import { hasIdentity } from '../auth/settings.js';
import type { TokenSource } from '../auth/token-source.js';
import { PROTOCOL_VERSIONS, type ProtocolVersion, SUITES, type Suite, type TestOptions } from '../options.js';
import { errorText } from '../runner/assert.js';
import { unsupportedReason } from '../runner/probe.js';
import { detailedReport, header, summary, totals, writeJsonReport } from '../runner/report.js';
import { planTests, runPlanned } from '../runner/run.js';
import { colorFor, Progress, styles } from '../runner/style.js';
import type { FetchFn } from '../sdk.js';
import { authTests } from '../suites/auth.js';
import { protocolTests } from '../suites/protocol.js';
import { sessionsTests } from '../suites/sessions.js';
import { streamingTests } from '../suites/streaming.js';
import { tasksTests } from '../suites/tasks.js';
import { toolsTests } from '../suites/tools.js';

/** Why `source` gives no token within `timeout` ms, or `undefined` once it has one (then cached). */
async function tokenProblem(source: TokenSource, timeout: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no token within ${timeout} ms (--timeout)`), timeout);
  });
  try {
    const got = source.token().then(
      () => undefined,
      (error: unknown) => errorText(error),
    );
    const problem = await Promise.race([got, late]);
    return problem && `could not get a token (${source.label}): ${problem}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `lambda-mcp-client test`; resolves the exit code (1 when any test failed or every test was skipped,
 * 2 for a request that selects no test).
 *
 * @example
 * process.exitCode = await runTests({ url: new URL('http://127.0.0.1:3000/mcp'), suite: 'all', ... });
 */
export async function runTests(options: TestOptions): Promise<number> {
  const suites: readonly Suite[] =
    options.suite === 'all'
      ? SUITES.filter((suite) => suite !== 'auth' || hasIdentity(options))
      : [options.suite];
  const versions: readonly ProtocolVersion[] =
    options.protocolVersion === 'all' ? PROTOCOL_VERSIONS : [options.protocolVersion];
  const planned = planTests(
    [...protocolTests, ...sessionsTests, ...streamingTests, ...toolsTests, ...tasksTests, ...authTests],
    suites,
    versions,
  );
  if (planned.length === 0) {
    process.stderr.write(
      `lambda-mcp-client test: no test of the ${suites.join(', ')} suite applies to ${versions.join(', ')} ` +
        '(the sessions suite covers the 2025 revisions only)\n',
    );
    return 2;
  }

  const bareFetch: FetchFn = (input, init) => fetch(input, init);
  const identities = identitiesFor(options, options.url, bareFetch);
  const authorized = authorizedFetch(bareFetch, identities.primary);
  // A token that cannot be had would fail every test the same way: say so once instead.
  const unavailable = identities.primary && (await tokenProblem(identities.primary, options.timeout));
  if (unavailable) {
    process.stderr.write(`lambda-mcp-client test: ${unavailable}\n`);
    return 1;
  }

  const probes = new Map<ProtocolVersion, Promise<string | undefined>>();
  const gate = (version: ProtocolVersion) => {
    let probe = probes.get(version);
    if (!probe) {
      probe = unsupportedReason(options.url, version, options.timeout, authorized);
      probes.set(version, probe);
    }
    return probe;
  };

  // The header first, before any test output; the progress total is the planned count and stays so.
  const s = styles(colorFor(process.stdout));
  const info = {
    url: options.url,
    suites,
    versions,
    remarks: [
      `${planned.length} planned tests; tests a suite adds for what it finds (one per tool, …) are numbered ` +
        'under the test that found them (5.1, 5.2, …)',
    ],
  };
  process.stdout.write(`${header(info, s)}\n\n`);

  const startedAt = new Date();
  const results = await runPlanned(planned, {
    url: options.url,
    versions,
    timeout: options.timeout,
    concurrency: options.concurrency,
    progress: new Progress(process.stderr),
    gate,
    fetch: authorized,
    bareFetch,
    identities,
    ...(options.taskTool !== undefined && { taskTool: options.taskTool }),
  });
  const finishedAt = new Date();

  if (options.detailedReport) process.stdout.write(`${detailedReport(results, s)}\n\n`);
  process.stdout.write(`${summary(info, results, s)}\n`);

  const counts = totals(results);
  if (options.json) {
    try {
      await writeJsonReport(options.json, {
        url: options.url.href,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        suites,
        versions,
        totals: counts,
        tests: results,
      });
    } catch (error) {
      process.stderr.write(`lambda-mcp-client test: could not write ${options.json}: ${errorText(error)}\n`);
      return 1;
    }
  }
  // A run where every test was skipped (e.g. the auth suite without a token) did not pass.
  return counts.fail > 0 || counts.pass === 0 ? 1 : 0;
}
