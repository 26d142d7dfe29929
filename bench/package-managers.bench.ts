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
import { analyzeProject, resolveModule, type TreeGraph } from 'multiverse';
import { median, printTable } from './support/stats';

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
const ROUNDS = 7;

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

async function timeProcess(args: string[], cwd: string): Promise<{ wall: number; cpu: number | null }> {
  const cpuBefore = await childrenCpu();
  const started = performance.now();
  await run(process.execPath, args, { cwd, maxBuffer: 256 * 1024 * 1024 }).catch((error: { code?: unknown }) => {
    // multiverse check exits 1 on findings; that is a result, not a failure.
    if (error.code !== 1) throw error;
  });
  const wall = performance.now() - started;
  const cpuAfter = await childrenCpu();
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

async function main(): Promise<void> {
  const dir = await ensureProject();
  const analysis = await analyzeProject(dir);
  const errors = analysis.conflicts.filter((c) => c.severity === 'error');
  console.log(`${dir}: ${analysis.main.nodes.length - 1} packages in pnpm's graph (${analysis.main.manager}), ${analysis.conflicts.length} finding(s), ${errors.length} error(s)`);
  for (const c of analysis.conflicts.slice(0, 5)) console.log(`  ${c.severity} ${c.kind}: ${c.message}`);
  const commands = { ls: [pnpm, 'ls', '--depth', 'Infinity', '--parseable'], check: [multiverse, 'check', '--json', '-C', dir] };
  const samples = { ls: [] as { wall: number; cpu: number | null }[], check: [] as { wall: number; cpu: number | null }[] };
  // One warm-up of each: the first run pays for the file cache.
  for (const args of Object.values(commands)) await timeProcess(args, dir);
  for (let i = 0; i < ROUNDS; i++) {
    for (const which of i % 2 === 0 ? (['ls', 'check'] as const) : (['check', 'ls'] as const)) samples[which].push(await timeProcess(commands[which], dir));
  }
  const wall = (which: 'ls' | 'check'): number => median(samples[which].map((s) => s.wall));
  const cpu = (which: 'ls' | 'check'): number | null => (samples[which].every((s) => s.cpu !== null) ? median(samples[which].map((s) => s.cpu ?? 0)) : null);
  const cpuCheck = cpu('check');
  const cpuLs = cpu('ls');
  const shown = (which: 'ls' | 'check', value: number | null): string => `${wall(which).toFixed(0)} ms${value === null ? '' : ` (CPU ${value.toFixed(0)} ms)`}`;
  console.log(`\npnpm project, ${analysis.main.nodes.length - 1} packages (${ROUNDS} alternating rounds, medians)`);
  printTable([
    {
      what: 'multiverse check --json',
      baseline: `pnpm ls --depth Infinity --parseable: ${shown('ls', cpuLs)}`,
      multiverse: shown('check', cpuCheck),
      ratio: wall('check') / wall('ls'),
      cpuRatio: cpuCheck === null || cpuLs === null ? undefined : cpuCheck / cpuLs,
      target: '≤ 0.5× wall',
    },
  ]);

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
