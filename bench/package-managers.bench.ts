// `multiverse check` on a real ~2,000-package pnpm project against pnpm's own full listing of the same
// tree (`pnpm ls --depth Infinity --parseable`), both in fresh processes, alternating round by round so
// that machine noise hits both equally; target ≤ 0.5×. Then, on that project and on a real Yarn
// Plug'n'Play project, how many imports the resolver (hovers, diagnostics, routing) answers exactly as
// Node does (under Yarn's runtime for PnP): every dependency of every package, from inside it, with
// the require and the import conditions. The projects are installed once with the pnpm and Yarn of
// this repository's devDependencies from the npm registry, into the OS temp dir, and reused.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { analyzeProject, resolveModule, type TreeGraph } from 'multiverse/tooling';
import { alternate, medians, ms, printTable, rounds, timeProcess } from './support/stats';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const pnpm = path.join(repoRoot, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const yarn = path.join(repoRoot, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');
const multiverse = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');

/** The project the issue was found on: a React app's tool chain with a server and a test runner. */
const DEPENDENCIES = { 'react-scripts': '5.0.1', express: '^4', eslint: '^8', jest: '^29', webpack: '^5' };
/** A smaller Plug'n'Play project: Yarn fetches every package into its own zip cache. */
const PNP_DEPENDENCIES = { express: '^4', eslint: '^8', webpack: '^5', react: '^18', 'react-dom': '^18' };

interface Probe {
  specifier: string;
  fromFile: string;
  conditions: 'require' | 'import';
}
type NativeAnswer = { path: string } | { code: string };
// Node's own answers, from the same probe the resolver tests use (compiled with the tests).
const { nativeResolve, normalise } = createRequire(__filename)(path.join(repoRoot, 'out', 'test', 'support', 'native-resolve.js')) as {
  nativeResolve(probes: Probe[], nodeArgs?: string[]): Promise<NativeAnswer[]>;
  normalise(answer: NativeAnswer): NativeAnswer;
};

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function ensureProject(): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(DEPENDENCIES)).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `multiverse-bench-pnpm-${hash}`);
  if (await exists(path.join(dir, 'node_modules', '.pnpm', 'lock.yaml'))) return dir;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-pnpm', version: '1.0.0', private: true, dependencies: DEPENDENCIES }, null, 2)}\n`);
  console.log(`installing ${Object.keys(DEPENDENCIES).join(', ')} with pnpm into ${dir} (once; takes a few minutes)…`);
  await run(process.execPath, [pnpm, 'install', '--ignore-scripts', '--no-frozen-lockfile', '--reporter=silent', `--store-dir=${path.join(os.tmpdir(), 'multiverse-bench-pnpm-store')}`], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return dir;
}

/** CPU time (user + system, ms) of this process's finished children, from Linux's /proc; `null` elsewhere. */
async function childrenCpu(): Promise<number | null> {
  const stat = await readFile('/proc/self/stat', 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the parenthesised command name; cutime and cstime are the 16th and 17th fields overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}
/** Linux reports those times in clock ticks: USER_HZ, 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** Wall and CPU time of one run in a fresh process. The machine is shared: CPU time is the steadier of the two. */
async function ensurePnpProject(): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(PNP_DEPENDENCIES)).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `multiverse-bench-pnp-${hash}`);
  if (await exists(path.join(dir, '.pnp.cjs'))) return dir;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-pnp', version: '1.0.0', private: true, packageManager: 'yarn@4.18.1', dependencies: PNP_DEPENDENCIES }, null, 2)}\n`);
  await writeFile(path.join(dir, '.yarnrc.yml'), 'nodeLinker: pnp\nenableTelemetry: false\nenableGlobalCache: false\nenableImmutableInstalls: false\nenableScripts: false\n');
  await writeFile(path.join(dir, 'yarn.lock'), '');
  console.log(`installing ${Object.keys(PNP_DEPENDENCIES).join(', ')} with Yarn (Plug'n'Play) into ${dir} (once)…`);
  await run(process.execPath, [yarn, 'install'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return dir;
}

/** Every dependency of every package, asked from inside that package, in both loaders. */
function probesOf(graph: TreeGraph): Probe[] {
  const probes: Probe[] = [];
  for (const node of graph.nodes) {
    for (const id of node.edgesOut) {
      const edge = graph.edges[id];
      if (!edge || edge.to === null) continue;
      for (const conditions of ['require', 'import'] as const) probes.push({ specifier: edge.name, fromFile: path.join(node.path, 'package.json'), conditions });
    }
  }
  return probes;
}

/** How many probes the resolver answers as Node does; prints the first few that differ. */
async function agreement(label: string, graph: TreeGraph, nodeArgs: string[]): Promise<void> {
  const probes = probesOf(graph);
  const native = await nativeResolve(probes, nodeArgs);
  const differ: string[] = [];
  probes.forEach((probe, i) => {
    let ours: NativeAnswer;
    try {
      ours = { path: resolveModule(probe.specifier, probe.fromFile, { conditions: probe.conditions }).path };
    } catch (error) {
      ours = { code: (error as { code?: string }).code ?? 'ERROR' };
    }
    const node = normalise(native[i] as NativeAnswer);
    if (JSON.stringify(ours) !== JSON.stringify(node)) differ.push(`${probe.conditions} ${probe.specifier} from ${probe.fromFile}: Node ${JSON.stringify(node)}, resolver ${JSON.stringify(ours)}`);
  });
  console.log(`${label}: ${probes.length - differ.length} of ${probes.length} imports resolve as Node does (${graph.nodes.length - 1} packages)`);
  for (const line of differ.slice(0, 5)) console.log(`  differs: ${line}`);
}

/** [wall, CPU] ms of one run in a fresh process (CPU is NaN where /proc is missing). The machine is shared: CPU time is the steadier. */
async function measure(args: string[], cwd: string): Promise<number[]> {
  const cpuBefore = await childrenCpu();
  // multiverse check exits 1 on findings; that is a result, not a failure.
  const wall = await timeProcess(process.execPath, args, { cwd, okCodes: [1] });
  const cpuAfter = await childrenCpu();
  return [wall, cpuBefore === null || cpuAfter === null ? Number.NaN : cpuAfter - cpuBefore];
}

async function main(): Promise<void> {
  const dir = await ensureProject();
  const analysis = await analyzeProject(dir);
  const errors = analysis.conflicts.filter((c) => c.severity === 'error');
  console.log(`${dir}: ${analysis.main.nodes.length - 1} packages in pnpm's graph (${analysis.main.manager}), ${analysis.conflicts.length} finding(s), ${errors.length} error(s)`);
  for (const c of analysis.conflicts.slice(0, 5)) console.log(`  ${c.severity} ${c.kind}: ${c.message}`);
  const runs = rounds();
  const { baseline, candidate } = await alternate(
    runs,
    () => measure([pnpm, 'ls', '--depth', 'Infinity', '--parseable'], dir),
    () => measure([multiverse, 'check', '--json', '-C', dir], dir),
  );
  const [lsWall = 0, lsCpu = 0] = medians(baseline);
  const [checkWall = 0, checkCpu = 0] = medians(candidate);
  printTable(
    `pnpm project, ${analysis.main.nodes.length - 1} packages; medians of ${runs} alternating rounds`,
    [
      {
        what: 'multiverse check --json vs pnpm ls --depth Infinity --parseable',
        value: `${ms(checkWall)} (CPU ${ms(checkCpu)})`,
        baseline: `${ms(lsWall)} (CPU ${ms(lsCpu)})`,
        ratio: checkWall / lsWall,
        otherRatio: checkCpu / lsCpu,
        target: { max: 0.5, label: '≤ 0.50× wall' },
      },
    ],
    { ratio: 'ratio wall', otherRatio: 'ratio CPU' },
  );

  console.log('');
  await agreement('pnpm project', analysis.main, []);
  const pnpDir = await ensurePnpProject();
  const pnpAnalysis = await analyzeProject(pnpDir);
  console.log(`${pnpDir}: ${pnpAnalysis.conflicts.length} finding(s) in Yarn's graph`);
  const loader = path.join(pnpDir, '.pnp.loader.mjs');
  await agreement("Yarn Plug'n'Play project", pnpAnalysis.main, ['--require', path.join(pnpDir, '.pnp.cjs'), ...((await exists(loader)) ? ['--loader', loader] : [])]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
