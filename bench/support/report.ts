/** Median of a non-empty sample. */
export function median(samples: number[]): number {
  if (samples.length === 0) throw new Error('median of an empty sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Row {
  what: string;
  baseline: string;
  /** Median of the measured thing and of its baseline, in `unit`. */
  value: number;
  base: number;
  unit: string;
  /** The goal for value / base, e.g. 1.10; omitted when the row only informs. */
  target?: number;
}

/** Prints a ratio table: the measured median, the baseline's median, the ratio and the target. */
export function printTable(title: string, rows: Row[]): void {
  const lines = rows.map((r) => {
    const ratio = r.value / r.base;
    const verdict = r.target === undefined ? '' : ratio <= r.target ? 'ok' : 'MISSED';
    return [r.what, r.baseline, `${fmt(r.value)} ${r.unit}`, `${fmt(r.base)} ${r.unit}`, `${ratio.toFixed(2)}×`, r.target === undefined ? '—' : `≤ ${r.target.toFixed(2)}× ${verdict}`];
  });
  const header = ['measured', 'baseline (same run)', 'median', 'baseline median', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(`\n${title}\n${row(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(row(l));
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
