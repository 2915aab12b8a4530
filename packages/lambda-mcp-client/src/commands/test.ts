// `lambda-mcp-client test`: plans the chosen suites for the chosen revisions, runs them against the URL
// (skipping a revision the server does not speak, with that reason), prints the summary (and the detailed
// report), writes the JSON report, and answers the exit code: 1 when any test failed, 0 otherwise.
import { PROTOCOL_VERSIONS, type ProtocolVersion, SUITES, type Suite, type TestOptions } from '../options.js';
import { errorText } from '../runner/assert.js';
import { unsupportedReason } from '../runner/probe.js';
import { detailedReport, summary, totals, writeJsonReport } from '../runner/report.js';
import { planTests, runPlanned } from '../runner/run.js';
import { colorFor, Progress, styles } from '../runner/style.js';
import { protocolTests } from '../suites/protocol.js';
import { sessionsTests } from '../suites/sessions.js';
import { streamingTests } from '../suites/streaming.js';
import { toolsTests } from '../suites/tools.js';

/**
 * Runs `lambda-mcp-client test`; resolves the exit code (1 when any test failed, 2 for a request that
 * selects no test).
 *
 * @example
 * process.exitCode = await runTests({ url: new URL('http://127.0.0.1:3000/mcp'), suite: 'all', ... });
 */
export async function runTests(options: TestOptions): Promise<number> {
  const suites: readonly Suite[] = options.suite === 'all' ? SUITES : [options.suite];
  const versions: readonly ProtocolVersion[] =
    options.protocolVersion === 'all' ? PROTOCOL_VERSIONS : [options.protocolVersion];
  const planned = planTests(
    [...protocolTests, ...sessionsTests, ...streamingTests, ...toolsTests],
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

  const probes = new Map<ProtocolVersion, Promise<string | undefined>>();
  const gate = (version: ProtocolVersion) => {
    let probe = probes.get(version);
    if (!probe) {
      probe = unsupportedReason(options.url, version, options.timeout);
      probes.set(version, probe);
    }
    return probe;
  };

  const startedAt = new Date();
  const results = await runPlanned(planned, {
    url: options.url,
    versions,
    timeout: options.timeout,
    concurrency: options.concurrency,
    progress: new Progress(process.stderr),
    gate,
  });
  const finishedAt = new Date();

  const s = styles(colorFor(process.stdout));
  if (options.detailedReport) process.stdout.write(`${detailedReport(results, s)}\n\n`);
  process.stdout.write(`${summary({ url: options.url, suites, versions }, results, s)}\n`);

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
  return counts.fail > 0 || counts.total === 0 ? 1 : 0;
}
