import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InputError, loadProject } from 'multiverse';
import { analyzeProject, explainPackage, installProject, nodeAt, type PackageManagerName, type TreeGraph } from 'multiverse/tooling';
import { nativeResolve, normalise, type NativeAnswer, type Probe } from './support/native-resolve';
import { installWithManager, MANAGER_SETUPS, type ManagerSetup } from './support/package-managers';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { repoRoot } from './support/paths';
import { tempDir, writeFiles } from './support/workspace';

const execFileAsync = promisify(execFile);

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

const MANAGER: Record<ManagerSetup, PackageManagerName> = {
  pnpm: 'pnpm',
  'yarn-classic': 'yarn-classic',
  'yarn-berry-nm': 'yarn-berry',
  'yarn-berry-pnp': 'yarn-berry',
  bun: 'bun',
};

/** The injected peer conflict (fixture-peer wants fixture-lib ^1, the app has 2), as each manager reports it. */
const PEER_WORDS: Record<ManagerSetup, RegExp> = {
  pnpm: /fixture-peer@1\.0\.0 ✕ unmet peer fixture-lib@\^1\.0\.0: found 2\.0\.0/,
  'yarn-classic': /"fixture-peer@1\.0\.0" has incorrect peer dependency "fixture-lib@\^1\.0\.0"/,
  'yarn-berry-nm': /YN0060\): fixture-lib is provided with version 2\.0\.0, which doesn't satisfy what fixture-peer requests \(\^1\.0\.0\)/,
  'yarn-berry-pnp': /YN0060\): fixture-lib is provided with version 2\.0\.0, which doesn't satisfy what fixture-peer requests \(\^1\.0\.0\)/,
  bun: /incorrect peer dependency "fixture-lib@2\.0\.0"\): fixture-peer@1\.0\.0 needs peer fixture-lib@"\^1\.0\.0"/,
};

const APP_ESM = `import dual from 'fixture-dual';
import feature from 'fixture-dual/feature';
import esm from 'fixture-esm';
import lib from 'fixture-lib';
import peer from 'fixture-peer';
`;
const APP_CJS = `require('fixture-dual');
require('fixture-dual/feature');
require('fixture-dual/package.json');
require('fixture-lib');
require('fixture-peer');
`;

async function project(setup: ManagerSetup, dependencies: Record<string, string>, extra: Record<string, unknown> = {}): Promise<{ dir: string; log: string }> {
  const dir = await tempDir(`pm-${setup}`);
  const packageManager = setup.startsWith('yarn-berry') ? { packageManager: 'yarn@4.18.1' } : {};
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', ...packageManager, dependencies, ...extra }, 'src/app.mjs': APP_ESM, 'src/app.cjs': APP_CJS });
  const log = await installWithManager(dir, setup, registry.url);
  return { dir, log };
}

/**
 * Every import the fixture makes, in both loaders: the app's own (ESM and CommonJS files) and each
 * installed package's imports of its dependencies, asked from inside that package's folder.
 */
function probesOf(graph: TreeGraph, dir: string): Probe[] {
  const probes: Probe[] = [];
  for (const conditions of ['import', 'require'] as const) {
    const file = path.join(dir, 'src', conditions === 'import' ? 'app.mjs' : 'app.cjs');
    for (const specifier of (conditions === 'import' ? APP_ESM : APP_CJS).match(/'[^']+'/g) ?? []) probes.push({ specifier: specifier.slice(1, -1), fromFile: file, conditions });
    for (const node of graph.nodes) {
      if (node.isRoot) continue;
      for (const id of node.edgesOut) {
        const edge = graph.edges[id];
        if (edge && edge.to !== null) probes.push({ specifier: edge.name, fromFile: path.join(node.path, 'package.json'), conditions });
      }
    }
  }
  return probes;
}

function ours(dir: string, probe: Probe): NativeAnswer {
  try {
    return { path: loadProject(dir).resolve(probe.specifier, probe.fromFile, { conditions: probe.conditions }).path };
  } catch (error) {
    return { code: (error as { code?: string }).code ?? 'ERROR' };
  }
}

for (const setup of MANAGER_SETUPS) {
  describe(setup, () => {
    test('a clean install has no findings; copies, chains and imports are the manager\'s', async () => {
      const { dir } = await project(setup, { 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0', 'fixture-peer': '^1.0.0', 'fixture-lib': '^1.0.0' });
      const analysis = await analyzeProject(dir);
      assert.equal(analysis.main.manager, MANAGER[setup]);
      assert.equal(analysis.main.source, 'actual');
      assert.deepEqual(analysis.conflicts, [], JSON.stringify(analysis.conflicts, null, 2));
      assert.deepEqual(
        analysis.main.nodes.filter((n) => !n.isRoot).map((n) => `${n.name}@${n.version}`).sort(),
        ['fixture-dual@1.0.0', 'fixture-esm@1.0.0', 'fixture-lib@1.0.0', 'fixture-lib@2.0.0', 'fixture-peer@1.0.0'],
      );
      const why = explainPackage(analysis, 'fixture-lib');
      const nested = why.copies.find((c) => c.version === '2.0.0');
      assert.deepEqual(nested?.chains, ['(root) > fixture-esm@1.0.0 > fixture-lib@2.0.0']);
      assert.ok(nested && existsSync(path.join(nested.path, 'package.json')) === (setup !== 'yarn-berry-pnp'), 'PnP copies live in zip archives');

      const probes = probesOf(analysis.main, dir);
      const nodeArgs = setup === 'yarn-berry-pnp' ? ['--require', path.join(dir, '.pnp.cjs'), '--loader', path.join(dir, '.pnp.loader.mjs')] : [];
      const native = await nativeResolve(probes, nodeArgs);
      const differences = probes.map((p, i) => ({ ...p, native: normalise(native[i] as NativeAnswer), ours: ours(dir, p) })).filter((d) => JSON.stringify(d.native) !== JSON.stringify(d.ours));
      assert.deepEqual(differences, [], `${probes.length - differences.length} of ${probes.length} imports resolve as Node${nodeArgs.length > 0 ? ' with Yarn PnP' : ''} does`);
      assert.equal(probes.length, 16);
    });

    test('an injected peer conflict is reported once, in the manager\'s words', async () => {
      const { dir } = await project(setup, { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' });
      const analysis = await analyzeProject(dir);
      const [peer, ...rest] = analysis.conflicts;
      assert.equal(rest.length, 0, JSON.stringify(analysis.conflicts, null, 2));
      assert.equal(peer?.kind, 'peer');
      assert.equal(peer?.severity, 'error');
      assert.deepEqual(peer?.versions, ['2.0.0', '^1.0.0']);
      assert.match(peer?.message ?? '', PEER_WORDS[setup]);
      assert.deepEqual(peer?.anchors.map((a) => a.jsonPath.join('.')).sort(), ['dependencies.fixture-lib', 'dependencies.fixture-peer']);
      const found = nodeAt(analysis.main, analysis.main.nodes.findIndex((n) => n.location === peer?.locations[0]));
      assert.equal(found.version, '2.0.0');
    });
  });
}

describe('pnpm semantics', () => {
  test('peerDependencyRules.allowedVersions accepts the conflict, as pnpm does', async () => {
    const { dir, log } = await project('pnpm', { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' }, { pnpm: { peerDependencyRules: { allowedVersions: { 'fixture-peer>fixture-lib': '2' } } } });
    assert.doesNotMatch(log, /unmet peer/);
    assert.deepEqual((await analyzeProject(dir)).conflicts, []);
  });

  test('without auto-install-peers a missing peer is pnpm\'s warning, not an error', async () => {
    const dir = await tempDir('pm-pnpm-peers');
    await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-peer': '^1.0.0' } }, '.npmrc': 'auto-install-peers=false\n' });
    const log = await installWithManager(dir, 'pnpm', registry.url);
    assert.match(log, /missing peer fixture-lib/);
    const [missing, ...rest] = (await analyzeProject(dir)).conflicts;
    assert.equal(rest.length, 0);
    assert.equal(missing?.severity, 'warning');
    assert.match(missing?.message ?? '', /fixture-peer@1\.0\.0 ✕ missing peer fixture-lib@"\^1\.0\.0"/);
  });

  test('a range edited after the install is an outdated lockfile, and a new dependency is missing', async () => {
    const { dir } = await project('pnpm', { 'fixture-lib': '^2.0.0', 'fixture-dual': '^1.0.0' });
    await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^1.0.0', 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0' } } });
    const analysis = await analyzeProject(dir);
    assert.deepEqual(analysis.conflicts.map((c) => `${c.kind}:${c.package}`).sort(), ['invalid:fixture-lib', 'missing:fixture-esm']);
    assert.match(analysis.conflicts.find((c) => c.kind === 'invalid')?.message ?? '', /ERR_PNPM_OUTDATED_LOCKFILE/);
  });

  test('pnpm-lock.yaml alone describes the tree before an install', async () => {
    const { dir } = await project('pnpm', { 'fixture-dual': '^1.0.0' });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(dir, 'node_modules'), { recursive: true });
    const analysis = await analyzeProject(dir);
    assert.equal(analysis.main.source, 'virtual');
    assert.deepEqual(analysis.main.nodes.map((n) => `${n.name}@${n.version}`).sort(), ['app@1.0.0', 'fixture-dual@1.0.0', 'fixture-lib@1.0.0']);
    assert.deepEqual(analysis.conflicts, []);
  });
});

describe('namespaces in Yarn Plug\'n\'Play and pnpm projects', () => {
  const MAIN_CJS = `const lib = require('fixture-lib');
const peer = require('fixture-peer');
console.log(JSON.stringify({ app: lib.version, peer: peer.hostVersion, peerFile: require.resolve('fixture-peer'), libFile: require.resolve('fixture-lib') }));
`;
  const MAIN_MJS = `import lib from 'fixture-lib';
import peer from 'fixture-peer';
console.log(JSON.stringify({ app: lib.version, peer: peer.hostVersion, peerFile: import.meta.resolve('fixture-peer') }));
`;

  for (const setup of ['yarn-berry-pnp', 'pnpm'] as const) {
    test(`${setup}: arborist installs the namespace from the manager's registry settings, and multiverse run routes beside the manager's layout`, async () => {
      // fixture-esm makes Yarn write its ES module loader (.pnp.loader.mjs), which ESM apps need under PnP.
      const { dir } = await project(setup, { 'fixture-lib': '^2.0.0', 'fixture-esm': '^1.0.0' });
      // The registry is where the manager keeps it: .npmrc for pnpm, and for Yarn only .yarnrc.yml (no .npmrc).
      const files: Record<string, string | object> = { 'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-peer': '^1.0.0' } } } }, 'main.cjs': MAIN_CJS, 'main.mjs': MAIN_MJS };
      if (setup === 'pnpm') files['.npmrc'] = `registry=${registry.url}\n`;
      await writeFiles(dir, files);
      assert.equal(existsSync(path.join(dir, '.npmrc')), setup === 'pnpm');
      await installProject(dir);
      assert.deepEqual((await analyzeProject(dir)).conflicts, []);
      for (const main of ['main.cjs', 'main.mjs']) {
        const { stdout } = await execFileAsync(process.execPath, [path.join(repoRoot, 'runtime', 'bin', 'multiverse.js'), 'run', main], { cwd: dir });
        const seen = JSON.parse(stdout) as { app: string; peer: string; peerFile: string; libFile?: string };
        assert.equal(seen.app, '2.0.0', `${main}: the app's own fixture-lib comes from ${setup}'s layout`);
        assert.equal(seen.peer, '1.0.0', `${main}: fixture-peer in the namespace gets the namespace's fixture-lib`);
        // ES modules of a namespace load from its hard-linked mirror when node_modules folders sit above its root.
        assert.match(seen.peerFile, /(\.multiverse\/legacy|multiverse-mirror-legacy-[^/]+)\/node_modules\/fixture-peer\/index\.js$/);
        if (seen.libFile) assert.match(seen.libFile, setup === 'pnpm' ? /node_modules\/\.pnpm\/fixture-lib@2\.0\.0\// : /\.yarn\/cache\/fixture-lib-npm-2\.0\.0-/);
      }
    });
  }
});

describe('workspaces', () => {
  for (const setup of ['pnpm', 'yarn-berry-nm', 'yarn-berry-pnp', 'bun'] as const) {
    test(`${setup}: workspaces are project packages, and chains start at the workspace that declares the dependency`, async () => {
      const dir = await tempDir(`pm-ws-${setup}`);
      const packageManager = setup.startsWith('yarn-berry') ? { packageManager: 'yarn@4.18.1' } : {};
      await writeFiles(dir, {
        'package.json': { name: 'mono', version: '1.0.0', private: true, ...packageManager, workspaces: ['packages/*'] },
        'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
        'packages/a/package.json': { name: 'a', version: '1.0.0', dependencies: { 'fixture-lib': '^1.0.0' } },
        'packages/b/package.json': { name: 'b', version: '1.0.0', dependencies: { a: 'workspace:*', 'fixture-esm': '^1.0.0' } },
      });
      await installWithManager(dir, setup, registry.url);
      const analysis = await analyzeProject(dir);
      assert.deepEqual(analysis.conflicts, [], JSON.stringify(analysis.conflicts, null, 2));
      assert.deepEqual(analysis.main.nodes.filter((n) => n.isWorkspace).map((n) => n.name).sort(), ['a', 'b']);
      const chains = explainPackage(analysis, 'fixture-lib').copies.map((c) => `${c.version}: ${c.chains.join(' | ')}`).sort();
      assert.deepEqual(chains, ['1.0.0: a (workspace) > fixture-lib@1.0.0', '2.0.0: b (workspace) > fixture-esm@1.0.0 > fixture-lib@2.0.0']);
    });
  }
});

test('a lockfile no manager could have written is an input error naming the file and the place', async () => {
  const cases: [manager: string, files: Record<string, string | object>, code: string, where: RegExp][] = [
    ['pnpm', { 'pnpm-lock.yaml': 'lockfileVersion: "9.0"\nimporters:\n  .:\n    dependencies: [\n<<<<<<< HEAD\n' }, 'EPNPMLOCKFILE', /pnpm-lock\.yaml" is broken: .*\(6:1\)\. Run pnpm install/],
    ['yarn@4.18.1', { 'yarn.lock': '__metadata:\n  version: 10\n"a@npm:1": [\n' }, 'EYAMLPARSE', /yarn\.lock:4:1: not valid YAML/],
    ['bun', { 'bun.lock': '{ "lockfileVersion": 1, "packages": { "a": [ }' }, 'EBUNLOCKPARSE', /bun\.lock:1:\d+: /],
  ];
  for (const [manager, files, code, where] of cases) {
    const dir = await tempDir('pm-broken');
    await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', ...(manager.startsWith('yarn') ? { packageManager: manager } : {}), dependencies: { 'fixture-lib': '^1.0.0' } }, ...files });
    await assert.rejects(analyzeProject(dir), (error: unknown) => {
      assert.ok(error instanceof InputError, `${manager}: ${String(error)}`);
      assert.equal(error.code, code);
      assert.match(error.message, where);
      assert.ok(error.message.includes(dir), error.message);
      return true;
    });
  }
});
