import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Median of a non-empty sample. */
export function median(samples: number[]): number {
  if (samples.length === 0) throw new Error('median of an empty sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The `p`th percentile (nearest rank) of a non-empty sample. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Rounds of every bench unless it says otherwise: `BENCH_RUNS`, never fewer than 7. */
export function rounds(fallback = 7): number {
  const asked = Number(process.env.BENCH_RUNS ?? fallback);
  return Math.max(7, Number.isFinite(asked) ? Math.floor(asked) : fallback);
}

/**
 * Measures a baseline and a candidate in alternation (A B A B …) after one unmeasured warm-up of
 * each, so that load from other processes on shared cores hits both alike instead of whichever ran
 * during a burst. Each measurement returns one number or several (wall and CPU time, say).
 */
export async function alternate<T extends number | number[]>(count: number, baseline: () => Promise<T>, candidate: () => Promise<T>): Promise<{ baseline: T[]; candidate: T[] }> {
  await baseline();
  await candidate();
  const result = { baseline: [] as T[], candidate: [] as T[] };
  for (let i = 0; i < count; i++) {
    result.baseline.push(await baseline());
    result.candidate.push(await candidate());
  }
  return result;
}

/** Medians, element by element, of measurements that each return several numbers. */
export function medians(samples: number[][]): number[] {
  return (samples[0] ?? []).map((_, i) => median(samples.map((s) => s[i] as number)));
}

/** Runs `script` (CommonJS source) in a fresh Node process and returns what it prints: a number or a JSON array of numbers. */
export async function measureInChild(script: string, args: string[], nodeArgs: string[] = []): Promise<number[]> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '-e', script, ...args], { maxBuffer: 1024 * 1024 });
  const parsed: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
  const values = Array.isArray(parsed) ? parsed : [parsed];
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`benchmark child printed ${JSON.stringify(stdout)} instead of numbers`);
  return values as number[];
}

/** Milliseconds a child process takes from spawn to exit; exit codes in `okCodes` count as success. */
export async function timeProcess(command: string, args: string[], options: { cwd?: string; okCodes?: number[] } = {}): Promise<number> {
  const started = performance.now();
  await run(command, args, { cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 }).catch((error: { code?: unknown }) => {
    if (!(options.okCodes ?? []).includes(Number(error.code))) throw error;
  });
  return performance.now() - started;
}

/** A goal a row is judged by: at most `max` of the row's ratio (or of its value, with `of: 'value'`). */
export interface Target {
  max: number;
  of?: 'ratio' | 'value';
  /** How the target reads in the table, e.g. "≤ 1.10×" or "p95 ≤ 10 ms". */
  label: string;
}

export interface Row {
  what: string;
  /** The measured median (or percentile), formatted with its unit. */
  value: string;
  /** The baseline measured in the same run, formatted, or what it is compared with. */
  baseline?: string;
  /** value / baseline: the number the target judges. */
  ratio?: number;
  /** A second ratio shown beside the first (wall time when CPU time is judged). */
  otherRatio?: number;
  /** The raw number judged by a `{ of: 'value' }` target. */
  raw?: number;
  target?: Target;
}

/** Whether a row meets its target; `undefined` when it has none. */
export function met(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  const judged = row.target.of === 'value' ? row.raw : row.ratio;
  return judged !== undefined && Number.isFinite(judged) && judged <= row.target.max;
}

/**
 * Prints a table of rows with each target's verdict, `ok` or `MISSED`, and sets the process's exit
 * code to 1 when a row misses its target, so `npm run bench` fails on a missed goal.
 */
export function printTable(title: string, rows: Row[], columns: { ratio?: string; otherRatio?: string } = {}): void {
  const header = ['measure', 'multiverse', 'baseline (same run)', columns.ratio ?? 'ratio', ...(rows.some((r) => r.otherRatio !== undefined) ? [columns.otherRatio ?? 'other ratio'] : []), 'target'];
  const withOther = header.length === 6;
  const lines = rows.map((r) => {
    const verdict = met(r);
    const target = r.target ? `${r.target.label} ${verdict ? 'ok' : 'MISSED'}` : '—';
    const ratio = r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`;
    const other = r.otherRatio === undefined ? '—' : `${r.otherRatio.toFixed(2)}×`;
    return [r.what, r.value, r.baseline ?? '—', ratio, ...(withOther ? [other] : []), target];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(line(l));
  const missed = rows.filter((r) => met(r) === false);
  if (missed.length > 0) {
    console.log(`\nMISSED: ${missed.map((r) => r.what.trim()).join('; ')}`);
    process.exitCode = 1;
  }
}

/** Formats milliseconds for a table cell. */
export function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
}
