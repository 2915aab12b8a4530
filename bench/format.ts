// Text-table helpers shared by the report modules.

/** Left-aligns text columns and right-aligns numeric ones (`align` holds 'l' or 'r' per column). */
export function table(header: string[], rows: string[][], align: string): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const ms = (value: number, digits: number) => value.toFixed(digits);
