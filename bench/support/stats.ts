import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `script` (CommonJS source) in a fresh Node process and returns what it prints: a number or a JSON array of numbers. */
export async function measureInChild(script: string, args: string[], nodeArgs: string[] = []): Promise<number[]> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '-e', script, ...args], { maxBuffer: 1024 * 1024 });
  const parsed: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
  const values = Array.isArray(parsed) ? parsed : [parsed];
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`benchmark child printed ${JSON.stringify(stdout)} instead of numbers`);
  return values as number[];
}

export interface Row {
  what: string;
  baseline: string;
  multiverse: string;
  /** Multiverse over baseline, by wall time (or by the one number measured). */
  ratio: number;
  /** The same by CPU time, for timings. */
  cpuRatio?: number;
  target: string;
}

export function printTable(rows: Row[]): void {
  const header = ['what', 'baseline (median)', 'multiverse (median)', 'ratio wall', 'ratio CPU', 'target'];
  const lines = rows.map((r) => [r.what, r.baseline, r.multiverse, `${r.ratio.toFixed(2)}×`, r.cpuRatio === undefined ? '' : `${r.cpuRatio.toFixed(2)}×`, r.target]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}
