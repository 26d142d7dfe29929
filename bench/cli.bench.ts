import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median, printTable } from './support/report';

// CLI start-up: `multiverse --version` against a bare `node -e ""` start, both in fresh processes,
// interleaved so that machine noise hits both equally.
const bin = path.resolve(__dirname, '..', '..', 'runtime', 'bin', 'multiverse.js');
const runs = 15;

function timeMs(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const cli: number[] = [];
const bare: number[] = [];
timeMs([bin, '--version']);
for (let i = 0; i < runs; i++) {
  bare.push(timeMs(['-e', '']));
  cli.push(timeMs([bin, '--version']));
}

printTable(`CLI start-up (${runs} runs each, medians)`, [
  { what: 'multiverse --version', baseline: 'node -e ""', value: median(cli), base: median(bare), unit: 'ms', target: 1.5 },
]);
