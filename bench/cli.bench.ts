// CLI start-up and the CI gate, each in fresh processes, baseline and candidate alternating:
//   - `multiverse --version` against a bare `node -e ""` (target ≤ 1.3×)
//   - `multiverse check --json` on the demo app, installed as people force it past ERESOLVE, against
//     `npm ls --all --json` on the same tree (target ≤ 0.5×)
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DemoApp from '../scripts/demo-app.mjs' with { 'resolution-mode': 'import' };
import { alternate, median, ms, printTable, rounds, timeProcess, type Row } from './support/stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const bin = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');
const RUNS = rounds(15);

async function main(): Promise<void> {
  const rows: Row[] = [];
  const node = (args: string[], cwd?: string, okCodes?: number[]) => () => timeProcess(process.execPath, args, { cwd, okCodes });

  const start = await alternate(RUNS, node(['-e', '']), node([bin, '--version']));
  const [bare, version] = [median(start.baseline), median(start.candidate)];
  rows.push({ what: 'multiverse --version', value: ms(version), baseline: `${ms(bare)} node -e ""`, ratio: version / bare, target: { max: 1.3, label: '≤ 1.30×' } });

  const app = await mkdtemp(path.join(os.tmpdir(), 'multiverse-cli-bench-'));
  try {
    const demo = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'demo-app.mjs')).href)) as typeof DemoApp;
    demo.prepareConflictedDemo(app);
    // Both exit 1 on this tree: the peer conflict is what they are there to report.
    const check = await alternate(RUNS, () => timeProcess('npm', ['ls', '--all', '--json'], { cwd: app, okCodes: [1] }), node([bin, 'check', '--json'], app, [1]));
    const [npmLs, gate] = [median(check.baseline), median(check.candidate)];
    rows.push({ what: 'multiverse check --json, demo app', value: ms(gate), baseline: `${ms(npmLs)} npm ls --all --json`, ratio: gate / npmLs, target: { max: 0.5, label: '≤ 0.50×' } });
  } finally {
    await rm(app, { recursive: true, force: true });
  }
  printTable(`CLI (Node ${process.version}, ${os.cpus().length} cores; medians of ${RUNS} alternating runs, each a fresh process)`, rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
