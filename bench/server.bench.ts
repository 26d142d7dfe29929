// Language server and analysis benchmark on a real ~2,000-package tree:
//   - graph analysis (in-process, the server's case) and `multiverse check` (a process, the CI case)
//     vs `npm ls --all --json` on the same tree (target ≤ 0.5×)
//   - hover on imports over stdio: cold (first hover of each import in a newly opened file) and warm
//     (the same hovers again), p50 / p95 (target: warm p95 ≤ 10 ms)
//   - re-analysis after a package.json edit, from the file event to the new analysis (target ≤ 300 ms)
//   - the server process's RSS (target ≤ 200 MB)
// The tree is installed once from the npm registry into the OS temp dir and reused.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { analyzeProject } from 'multiverse/tooling';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { median, ms, percentile, printTable, rounds, timeProcess, type Row } from './support/stats';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/** Popular tool chains whose union is a realistic big tree (~2,100 packages with nesting). */
const PACKAGES = [
  'react-scripts@5.0.1',
  '@angular/cli@17',
  'eslint@8',
  'express@4',
  '@nestjs/cli@10',
  'typeorm@0.3',
  'mongoose@8',
  '@vue/cli-service@5',
  'aws-sdk@2',
  'prisma@5',
  '@storybook/react@7',
  '@nestjs/core@10',
  '@nestjs/platform-express@10',
  'jest@29',
  'webpack@5',
];
const RUNS = rounds();

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function ensureTree(): Promise<string> {
  const hash = createHash('sha256').update(PACKAGES.join('\n')).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `multiverse-bench-server-${hash}`);
  if (await exists(path.join(dir, 'node_modules', '.package-lock.json'))) return dir;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-tree', version: '1.0.0', private: true }, null, 2)}\n`);
  console.log(`installing ${PACKAGES.length} packages into ${dir} (once; takes a minute or two)…`);
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return dir;
}

/** First analysis in a fresh process with the modules already loaded: what the server does on start-up. */
async function coldAnalysis(dir: string): Promise<number> {
  const script = `const { analyzeProject } = require(${JSON.stringify(path.join(repoRoot, 'runtime', 'dist', 'index.js'))});
const t = performance.now();
analyzeProject(${JSON.stringify(dir)}).then(() => process.stdout.write(String(performance.now() - t)));`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir });
  return Number(stdout);
}

async function measureAnalysis(dir: string): Promise<{ npmLs: number; check: number; cold: number; warm: number; packages: number }> {
  const npmLs: number[] = [];
  const check: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  let packages = 0;
  await analyzeProject(dir);
  for (let i = 0; i < RUNS; i++) {
    // npm ls and multiverse check exit 1 when they find problems; that is a result, not a failure.
    npmLs.push(await timeProcess('npm', ['ls', '--all', '--json'], { cwd: dir, okCodes: [1] }));
    check.push(await timeProcess(process.execPath, [path.join(repoRoot, 'runtime', 'bin', 'multiverse.js'), 'check', '--json', '-C', dir], { cwd: dir, okCodes: [1] }));
    cold.push(await coldAnalysis(dir));
    const started = performance.now();
    const result = await analyzeProject(dir);
    warm.push(performance.now() - started);
    packages = result.main.nodes.length - 1;
  }
  return { npmLs: median(npmLs), check: median(check), cold: median(cold), warm: median(warm), packages };
}

interface ServerNumbers {
  startAndAnalyse: number;
  coldP50: number;
  coldP95: number;
  coldHovers: number;
  hoverP50: number;
  hoverP95: number;
  hovers: number;
  reanalysis: number;
  rssMb: number;
  peakRssMb: number;
  bundleBytes: number;
}

/** Drives `node dist/server.js --stdio` as an editor would and measures what the user waits for. */
async function measureServer(dir: string, serverJs: string): Promise<ServerNumbers> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const analysed: ((generation: number) => void)[] = [];
  connection.onNotification('multiverse/analysisChanged', (p: { generation: number }) => analysed.shift()?.(p.generation));
  connection.listen();
  const folder = `file://${dir}`;
  try {
    const started = performance.now();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: folder, capabilities: {}, workspaceFolders: [{ uri: folder, name: 'bench' }] });
    await connection.sendNotification('initialized', {});
    await connection.sendRequest('multiverse/conflicts', {}); // answers once the first analysis is in
    const startAndAnalyse = performance.now() - started;

    // A source file importing every top-level package and a few deep ones, hovered repeatedly.
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const names = [...Object.keys(manifest.dependencies), 'debug', 'semver', 'chalk', 'lodash', 'ms', 'webpack/lib/index.js', 'node:fs'];
    const source = names.map((n, i) => `const m${i} = require('${n}');`).join('\n');
    const position = (line: number): { line: number; character: number } => ({ line, character: `const m${line} = require('`.length + 1 });
    // Cold: the first hover of each import in a file just opened (parsed and resolved for the first
    // time); one new file per round. Warm: the same hovers again in the last file.
    const cold: number[] = [];
    let uri = '';
    for (let round = 0; round < RUNS; round++) {
      uri = `file://${path.join(dir, `bench-hover-${round}.js`)}`;
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: source } });
      for (let line = 0; line < names.length; line++) {
        const t = performance.now();
        await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(line) });
        cold.push(performance.now() - t);
      }
    }
    const latencies: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (let line = 0; line < names.length; line++) {
        const t = performance.now();
        await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(line) });
        latencies.push(performance.now() - t);
      }
    }

    // Re-analysis: edit a dependency range in package.json and wait for the new analysis.
    const pkgFile = path.join(dir, 'package.json');
    const original = await readFile(pkgFile, 'utf8');
    const reanalysis: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const edited = JSON.parse(original) as { description?: string; dependencies: Record<string, string> };
        edited.dependencies.express = i % 2 === 0 ? '^4.0.0' : '^4.1.0';
        await writeFile(pkgFile, `${JSON.stringify(edited, null, 2)}\n`);
        const t = performance.now();
        const done = new Promise<number>((resolve) => analysed.push(resolve));
        await connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${pkgFile}`, type: 2 }] });
        await done;
        reanalysis.push(performance.now() - t);
      }
    } finally {
      await writeFile(pkgFile, original);
    }
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return {
      startAndAnalyse,
      coldP50: percentile(cold, 50),
      coldP95: percentile(cold, 95),
      coldHovers: cold.length,
      hoverP50: percentile(latencies, 50),
      hoverP95: percentile(latencies, 95),
      hovers: latencies.length,
      reanalysis: median(reanalysis),
      rssMb: kb('VmRSS') / 1024,
      peakRssMb: kb('VmHWM') / 1024,
      bundleBytes: (await stat(serverJs)).size,
    };
  } finally {
    connection.dispose();
    child.kill();
  }
}

/** The server as shipped in the .vsix: the production (minified) bundle, built beside dist/. */
async function productionServer(): Promise<string> {
  const outdir = path.join(os.tmpdir(), 'multiverse-bench-server-bundle');
  await run(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--production', '--outdir', outdir], { cwd: repoRoot });
  return path.join(outdir, 'server.js');
}

async function main(): Promise<void> {
  const dir = await ensureTree();
  const a = await measureAnalysis(dir);
  const s = await measureServer(dir, await productionServer());
  const rows: Row[] = [
    { what: 'first analysis (modules loaded)', value: ms(a.cold), baseline: `${ms(a.npmLs)} npm ls --all --json`, ratio: a.cold / a.npmLs, target: { max: 0.5, label: '≤ 0.50×' } },
    { what: 're-analysis in-process, lockfile unchanged', value: ms(a.warm) },
    { what: 'multiverse check --json', value: ms(a.check), baseline: `${ms(a.npmLs)} npm ls --all --json`, ratio: a.check / a.npmLs, target: { max: 0.5, label: '≤ 0.50×' } },
    { what: 'server start + initial analysis (stdio)', value: ms(s.startAndAnalyse) },
    { what: `hover p50, cold (${s.coldHovers}, first in a new file)`, value: ms(s.coldP50) },
    { what: 'hover p95, cold', value: ms(s.coldP95) },
    { what: `hover p50, warm (${s.hovers} over stdio)`, value: ms(s.hoverP50) },
    { what: 'hover p95, warm', value: ms(s.hoverP95), raw: s.hoverP95, target: { max: 10, of: 'value', label: '≤ 10 ms' } },
    { what: 're-analysis after a package.json edit', value: ms(s.reanalysis), raw: s.reanalysis, target: { max: 300, of: 'value', label: '≤ 300 ms' } },
    { what: 'server RSS after all of the above', value: `${s.rssMb.toFixed(0)} MB`, raw: s.rssMb, target: { max: 200, of: 'value', label: '≤ 200 MB' } },
    { what: 'server peak RSS', value: `${s.peakRssMb.toFixed(0)} MB` },
  ];
  printTable(`tree: ${a.packages} packages in ${dir}; medians of ${RUNS} rounds; server: the production bundle (${(s.bundleBytes / 1024 / 1024).toFixed(2)} MiB)`, rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
