// How the scripts print a duration: `95_000` → `1 min 35 s`; under a minute, seconds with one decimal.

/**
 * @example
 * formatDuration(95_000); // '1 min 35 s'
 * formatDuration(2_340); // '2.3 s'
 */
export function formatDuration(ms: number): string {
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
