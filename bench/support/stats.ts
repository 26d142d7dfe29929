import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `script` (CommonJS source) in a fresh Node process and returns the number it prints. */
export async function measureInChild(script: string, args: string[], nodeArgs: string[] = []): Promise<number> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '-e', script, ...args], { maxBuffer: 1024 * 1024 });
  const value = Number(stdout.trim().split('\n').pop());
  if (!Number.isFinite(value)) throw new Error(`benchmark child printed ${JSON.stringify(stdout)} instead of a number`);
  return value;
}

export interface Row {
  what: string;
  baseline: string;
  multiverse: string;
  ratio: number;
  target: string;
}

export function printTable(rows: Row[]): void {
  const header = ['what', 'baseline (median)', 'multiverse (median)', 'ratio', 'target'];
  const lines = rows.map((r) => [r.what, r.baseline, r.multiverse, `${r.ratio.toFixed(2)}×`, r.target]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}
