// Three namespaces that share most of their packages, installed by `multiverse install`, versus
// three plain `npm install`s of the same dependency sets: disk used (hardlinked files counted once,
// as `du` does) and time with a warm npm cache. Both sides use the same cache and prefer-offline.
// Two scenarios from the brief: three webpack-loader sets (large shared files) and three services
// pinned to different express 4 releases (many tiny files). Medians of BENCH_RUNS (at least 7)
// rounds; each round swaps which side goes first.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { median, printTable, rounds, type Row } from './support/stats';

const run = promisify(execFile);
const RUNS = rounds();
const bin = path.resolve(__dirname, '..', '..', 'runtime', 'bin', 'multiverse.js');
interface Scenario {
  title: string;
  sets: Record<string, Record<string, string>>;
}
const scenarios: Scenario[] = [
  {
    title: 'three webpack-loader sets',
    sets: {
      css6: { webpack: '5.97.1', 'css-loader': '6.11.0', 'style-loader': '3.3.4' },
      css7: { webpack: '5.97.1', 'css-loader': '7.1.2', 'style-loader': '4.0.0' },
      sass: { webpack: '5.97.1', 'css-loader': '7.1.2', 'sass-loader': '16.0.4' },
    },
  },
  {
    title: 'three express 4 releases',
    sets: {
      api: { express: '4.18.2', 'body-parser': '1.20.1' },
      admin: { express: '4.19.2', 'body-parser': '1.20.2' },
      web: { express: '4.21.2', 'body-parser': '1.20.3' },
    },
  },
];
const npmrc = 'prefer-offline=true\naudit=false\nfund=false\nupdate-notifier=false\n';

/** Disk used by `paths` together, in KiB; `du` counts a hardlinked inode once across all its arguments. */
function diskKiB(paths: string[]): number {
  const out = execFileSync('du', ['-skc', ...paths], { encoding: 'utf8' });
  return Number(/^(\d+)\s+total$/m.exec(out)?.[1] ?? NaN);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function npmDirs(root: string, sets: Scenario['sets']): string[] {
  return Object.entries(sets).map(([name, deps]) => {
    const dir = path.join(root, `npm-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `bench-${name}`, version: '1.0.0', private: true, dependencies: deps }));
    writeFileSync(path.join(dir, '.npmrc'), npmrc);
    return dir;
  });
}

async function npmInstall(dir: string): Promise<void> {
  await run('npm', ['install', '--loglevel=error'], { cwd: dir });
}

/** Package folders in every tree, from their lockfiles. */
function installedPackages(project: string, names: string[]): number {
  return names.reduce((sum, name) => {
    const lock = JSON.parse(readFileSync(path.join(project, '.multiverse', name, 'package-lock.json'), 'utf8')) as { packages: object };
    return sum + Object.keys(lock.packages).length - 1;
  }, 0);
}

async function measure(scenario: Scenario): Promise<void> {
  const { sets } = scenario;
  const root = mkdtempSync(path.join(os.tmpdir(), 'multiverse-install-bench-'));
  const project = path.join(root, 'project');
  mkdirSync(project);
  // Namespaces declaring the same packages need scopes that route between them (the last serves the rest).
  const names = Object.keys(sets);
  const namespaces = Object.fromEntries(names.map((n, i) => [n, { dependencies: sets[n], scope: i < names.length - 1 ? [`services/${n}/**`] : [] }]));
  writeFileSync(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces }));
  writeFileSync(path.join(project, '.npmrc'), npmrc);
  const multiverseInstall = async (): Promise<void> => {
    await run(process.execPath, [bin, 'install'], { cwd: project });
  };
  try {
    // Warm the npm cache (packuments and tarballs) for both sides; not measured.
    for (const dir of npmDirs(root, sets)) await npmInstall(dir);

    const sequential: number[] = [];
    const parallel: number[] = [];
    const mv: number[] = [];
    let npmDisk = 0;
    let mvDisk = 0;
    const npmSides = async (): Promise<void> => {
      let dirs = npmDirs(root, sets);
      sequential.push(await timed(async () => {
        for (const dir of dirs) await npmInstall(dir);
      }));
      npmDisk = diskKiB(dirs.map((d) => path.join(d, 'node_modules')));
      dirs = npmDirs(root, sets);
      parallel.push(await timed(() => Promise.all(dirs.map(npmInstall))));
    };
    const multiverseSide = async (): Promise<void> => {
      // A fresh install every run: no trees, no store, no fingerprints; only npm's cache is warm.
      rmSync(path.join(project, '.multiverse'), { recursive: true, force: true });
      mv.push(await timed(multiverseInstall));
      mvDisk = diskKiB([path.join(project, '.multiverse')]);
    };
    for (let i = 0; i < RUNS; i++) {
      for (const side of i % 2 === 0 ? [npmSides, multiverseSide] : [multiverseSide, npmSides]) await side();
    }
    // Nothing changed: npm's own no-op install in the three installed folders vs the fingerprint skip.
    const installedDirs = npmDirs(root, sets);
    for (const dir of installedDirs) await npmInstall(dir);
    const npmNoop: number[] = [];
    const skip: number[] = [];
    const npmNoopSide = async (): Promise<void> => {
      npmNoop.push(await timed(async () => {
        for (const dir of installedDirs) await npmInstall(dir);
      }));
    };
    const skipSide = async (): Promise<void> => {
      skip.push(await timed(multiverseInstall));
    };
    for (let i = 0; i < RUNS; i++) {
      for (const side of i % 2 === 0 ? [npmNoopSide, skipSide] : [skipSide, npmNoopSide]) await side();
    }

    const runs = (values: number[]): string => `${Math.round(median(values))} ms (${values.map(Math.round).join('/')})`;
    const rows: Row[] = [
      { what: 'disk (KiB, du)', value: String(mvDisk), baseline: String(npmDisk), ratio: mvDisk / npmDisk, target: { max: 0.4, label: '≤ 0.40×' } },
      { what: 'install, warm cache', value: runs(mv), baseline: runs(sequential), ratio: median(mv) / median(sequential), target: { max: 1, label: '≤ 1.00×' } },
      { what: '  vs 3 npm installs in parallel', value: runs(mv), baseline: runs(parallel), ratio: median(mv) / median(parallel) },
      { what: 're-run, nothing changed', value: runs(skip), baseline: runs(npmNoop), ratio: median(skip) / median(npmNoop) },
    ];
    const described = Object.entries(sets).map(([n, d]) => `${n}: ${Object.entries(d).map(([p, v]) => `${p}@${v}`).join(' ')}`);
    console.log(`\n${scenario.title}: ${installedPackages(project, names)} package folders in 3 trees, ${RUNS} rounds`);
    for (const line of described) console.log(`  ${line}`);
    printTable(
      'baseline: three plain `npm install`s of the same sets, one after another (same cache, prefer-offline); for the re-run, `npm install` again in the three installed folders',
      rows,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.cpus().length} cores`);
  for (const scenario of scenarios) await measure(scenario);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
