import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { realpath, rm, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Arborist from '@npmcli/arborist';
import { InputError, loadProject, NamespaceModuleNotFoundError } from 'multiverse';
import { installProject } from 'multiverse/tooling';
import { repoRoot } from './support/paths';
import { cli, makeProject, makeWorkDir } from './support/project';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';

const run = promisify(execFile);
let workDir: string;
let registry: FixtureRegistry;
let project: string;

const APP_CJS = `const lib = require('fixture-lib');
const modern = require('./modern/use.js');
const dual = require('fixture-dual');
const again = require('fixture-dual');
console.log(JSON.stringify({
  app: lib.version,
  modern: modern.version,
  dual: dual.libVersion,
  sameInstance: dual === again,
  resolved: require.resolve('fixture-dual'),
  hostCache: Object.keys(require.cache).filter((file) => file.includes('.multiverse')),
  args: process.argv.slice(2),
}));
`;

const APP_ESM = `import lib from 'fixture-lib';
import modern from './modern/use.js';
import { libVersion, increment } from 'fixture-esm';
import { createRequire } from 'node:module';
const dual = await import('fixture-dual');
const require = createRequire(import.meta.url);
console.log(JSON.stringify({
  app: lib.version,
  modern: modern.version,
  esm: libVersion,
  counter: increment(),
  dual: dual.libVersion,
  dualViaRequire: require('fixture-dual').libVersion,
  esmUrl: import.meta.resolve('fixture-esm'),
  hostCache: Object.keys(require.cache).filter((file) => file.includes('.multiverse')),
}));
`;

before(async () => {
  workDir = await makeWorkDir('multiverse-project-test-');
  registry = await startFixtureRegistry();
  project = await makeProject(workDir, registry.url, {
    'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'fixture-lib': '^1.0.0' } }),
    'multiverse.json': JSON.stringify({
      namespaces: {
        modern: { dependencies: { 'fixture-lib': '^2.0.0' }, scope: ['src/modern/**'] },
        // shared: fixture-dual's fixture-lib is the app's; the ES modules of "tools" then load from
        // a hard-linked copy of its tree, which the routing hook must point at.
        tools: { dependencies: { 'fixture-esm': '1.0.0', 'fixture-dual': '1.0.0' }, shared: ['fixture-lib'] },
      },
    }),
    'src/app.js': APP_CJS,
    'src/main.mjs': APP_ESM,
    'src/modern/use.js': "module.exports = require('fixture-lib');\n",
    'src/exit.js': 'process.exitCode = Number(process.argv[2]);\n',
  });
  await new Arborist({ path: project, registry: registry.url, cache: path.join(workDir, 'npm-cache'), audit: false, fund: false }).reify();
  await installProject(project);
});

after(async () => {
  await registry.close();
  await rm(workDir, { recursive: true, force: true });
});

test('loadProject routes app imports by package and scope, and namespace code stays inside', () => {
  const p = loadProject(project);
  assert.deepEqual([...p.namespaces].sort(), ['modern', 'tools']);
  const app = path.join(project, 'src', 'app.js');
  const inModern = path.join(project, 'src', 'modern', 'use.js');
  assert.deepEqual(pick(p.resolve('fixture-lib', app)), { namespace: null, packageName: 'fixture-lib', version: '1.0.0' });
  assert.deepEqual(pick(p.resolve('fixture-lib', inModern)), { namespace: 'modern', packageName: 'fixture-lib', version: '2.0.0' });
  assert.deepEqual(pick(p.resolve('fixture-dual', app)), { namespace: 'tools', packageName: 'fixture-dual', version: '1.0.0' });
  const esmEntry = p.resolve('fixture-esm', app, { conditions: 'import' });
  assert.equal(esmEntry.namespace, 'tools');
  assert.deepEqual(
    pick(p.resolve('fixture-lib', esmEntry.path, { conditions: 'import' })),
    { namespace: null, packageName: 'fixture-lib', version: '1.0.0' },
    'a shared package comes from the app by name, even where the tree nests its own copy',
  );
  assert.deepEqual(pick(p.resolve('fixture-esm', esmEntry.path, { conditions: 'import' })), { namespace: 'tools', packageName: 'fixture-esm', version: '1.0.0' });
  assert.equal(p.ownerOf(esmEntry.path), 'tools');
  assert.equal(p.route('fixture-lib', inModern), 'modern');
  assert.equal(p.route('./x', inModern), null);
  assert.equal((p.namespace('modern').require('fixture-lib') as { version: string }).version, '2.0.0');
  assert.throws(() => p.namespace('nope'), (error: unknown) => error instanceof InputError && /No namespace "nope".*installed namespaces: modern, tools/.test(error.message));
});

test('loadProject refuses what a namespace cannot serve with the namespace\'s own error, for routed imports and code inside the tree', () => {
  const p = loadProject(project);
  const modernLib = p.resolve('fixture-lib', path.join(project, 'src', 'modern', 'use.js')).path;
  assert.equal(p.ownerOf(modernLib), 'modern');
  for (const [specifier, from] of [
    ['fixture-dual', modernLib],
    ['fixture-lib/missing.js', path.join(project, 'src', 'modern', 'use.js')],
  ] as const) {
    assert.throws(
      () => p.resolve(specifier, from),
      (error: unknown) =>
        error instanceof NamespaceModuleNotFoundError &&
        error.namespace === 'modern' &&
        error.fromFile === from &&
        error.message.startsWith(`Cannot find module '${specifier}' in namespace "modern", imported from ${from}.`) &&
        error.fix.includes(`add "${specifier.split('/')[0] as string}" to its dependencies`),
    );
  }
  // The namespace itself refuses with the same error class and words.
  assert.throws(() => p.namespace('modern').require('fixture-dual'), (error: unknown) => error instanceof NamespaceModuleNotFoundError && /add "fixture-dual" to its dependencies/.test(error.message));
});

test('a namespace file reached through a symlinked project folder (as an editor may open it) is still the namespace\'s', async () => {
  const link = path.join(workDir, 'linked-project');
  await symlink(project, link, 'dir');
  const p = loadProject(link);
  const modernLib = p.resolve('fixture-lib', path.join(link, 'src', 'modern', 'use.js'));
  assert.deepEqual(pick(modernLib), { namespace: 'modern', packageName: 'fixture-lib', version: '2.0.0' });
  const viaLink = path.join(link, '.multiverse', 'modern', 'node_modules', 'fixture-lib', 'lib', 'main.js');
  assert.equal(await realpath(viaLink), await realpath(modernLib.path));
  assert.equal(p.ownerOf(viaLink), 'modern');
  assert.deepEqual(pick(p.resolve('./main.js', viaLink)), { namespace: 'modern', packageName: 'fixture-lib', version: '2.0.0' });
  assert.throws(() => p.resolve('fixture-dual', viaLink), (error: unknown) => error instanceof NamespaceModuleNotFoundError && error.namespace === 'modern');
});

test('ES modules inside a namespace are refused what its tree lacks, as CommonJS is, though the app\'s node_modules is right above', async () => {
  const dir = await makeProject(workDir, registry.url, {
    'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'fixture-peer': '^1.0.0', 'fixture-lib': '^1.0.0' } }),
    'plugins/esm/package.json': JSON.stringify({ name: 'plugin-esm', version: '1.0.0', type: 'module', exports: './index.js' }),
    'plugins/esm/index.js': "import peer from 'fixture-peer';\nexport default peer;\n",
    'plugins/cjs/package.json': JSON.stringify({ name: 'plugin-cjs', version: '1.0.0' }),
    'plugins/cjs/index.js': "module.exports = require('fixture-peer');\n",
    'multiverse.json': JSON.stringify({ namespaces: { plugins: { dependencies: { 'plugin-esm': 'file:./plugins/esm', 'plugin-cjs': 'file:./plugins/cjs' } } } }),
  });
  await new Arborist({ path: dir, registry: registry.url, cache: path.join(workDir, 'npm-cache'), audit: false, fund: false }).reify();
  await installProject(dir);
  const p = loadProject(dir);
  const esmFile = p.resolve('plugin-esm', path.join(dir, 'app.mjs'), { conditions: 'import' }).path;
  assert.throws(() => p.resolve('fixture-peer', esmFile, { conditions: 'import' }), NamespaceModuleNotFoundError);
  const ns = p.namespace('plugins');
  assert.throws(() => ns.require('plugin-cjs'), (error: unknown) => error instanceof NamespaceModuleNotFoundError && /add "fixture-peer" to its dependencies/.test(error.message));
  await assert.rejects(ns.import('plugin-esm'), (error: unknown) => {
    assert.equal((error as NodeJS.ErrnoException).code, 'ERR_MODULE_NOT_FOUND');
    assert.match((error as Error).message, /^In namespace "plugins" .*Cannot find package 'fixture-peer'.*add the package to its dependencies \(and run "multiverse install"\), or list it in "shared"/s);
    return true;
  });
});

test('multiverse run routes a CommonJS app, passes arguments and keeps require.cache clean', async () => {
  const result = await cli(project, 'run', 'src/app.js', 'one', '--help');
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.deepEqual(
    { ...out, resolved: path.relative(project, out.resolved as string) },
    {
      app: '1.0.0',
      modern: '2.0.0',
      dual: '1.0.0',
      sameInstance: true,
      resolved: path.join('.multiverse', 'tools', 'node_modules', 'fixture-dual', 'cjs', 'index.cjs'),
      hostCache: [],
      args: ['one', '--help'],
    },
  );
});

test('multiverse run routes an ES module app through the same namespaces', async () => {
  const result = await cli(project, 'run', 'src/main.mjs');
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  const esmFile = fileURLToPath(out.esmUrl as string);
  assert.deepEqual(
    { ...out, esmUrl: undefined },
    // fixture-esm nests fixture-lib@2, but "tools" shares fixture-lib: it gets the app's 1.0.0.
    { app: '1.0.0', modern: '2.0.0', esm: '1.0.0', counter: 1, dual: '1.0.0', dualViaRequire: '1.0.0', esmUrl: undefined, hostCache: [] },
  );
  // The copy is deleted when the script exits; its path says whose it was.
  assert.match(esmFile, new RegExp(`multiverse-mirror-tools-[^/]+/node_modules/fixture-esm/index\\.js$`));
});

test('node -r multiverse/register routes the same way', async () => {
  const register = path.join(repoRoot, 'runtime', 'dist', 'register', 'index.js');
  const { stdout } = await run(process.execPath, ['-r', register, 'src/app.js'], { cwd: project });
  const out = JSON.parse(stdout) as { app: string; modern: string; dual: string };
  assert.deepEqual([out.app, out.modern, out.dual], ['1.0.0', '2.0.0', '1.0.0']);
});

test('multiverse run returns the exit code of the script and refuses what it cannot run', async () => {
  assert.equal((await cli(project, 'run', 'src/exit.js', '3')).code, 3);
  const missing = await cli(project, 'run', 'src/nope.js');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /src\/nope\.js does not exist/);
  assert.equal((await cli(project, 'run')).code, 2);
  const uninstalled = await makeProject(workDir, registry.url, { 'multiverse.json': '{ "namespaces": { "legacy": { "dependencies": { "fixture-lib": "^1.0.0" } } } }', 'app.js': '' });
  const result = await cli(uninstalled, 'run', 'app.js');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /multiverse\.json declares namespace "legacy", but there is no \.multiverse\/map\.json: run "multiverse install" in /);
  // Nothing to install, nothing to wait for.
  const empty = await makeProject(workDir, registry.url, { 'multiverse.json': '{ "namespaces": {} }', 'app.js': '' });
  assert.equal((await cli(empty, 'run', 'app.js')).code, 0);
});

test('a broken map.json is reported with what to do', async () => {
  const broken = await makeProject(workDir, registry.url, { '.multiverse/map.json': '{ "version": 1, "namespaces": { "x": {} } }' });
  assert.throws(() => loadProject(broken), /map\.json gives namespace "x" no "root".*multiverse install/);
  await writeFile(path.join(broken, '.multiverse', 'map.json'), '{ nope');
  assert.throws(() => loadProject(broken), /map\.json is not valid JSON/);
});

function pick(resolution: { namespace: string | null; packageName: string | null; version: string | null }): object {
  return { namespace: resolution.namespace, packageName: resolution.packageName, version: resolution.version };
}
