import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { InputError } from 'multiverse';
import { installProject, installTree, namespaceStatus, namespaceStatuses, orphanedNamespaces, ProgressDisplay, readConfig, readMap, type ProgressEvent } from 'multiverse/tooling';
import { closeFixtureWorkspace, makeProject, nodeEval, openFixtureWorkspace } from './support/project';
import type { FixtureRegistry } from './support/registry';

let registry: FixtureRegistry;
let workDir: string;

before(async () => ({ registry, workDir } = await openFixtureWorkspace('multiverse-install-test-')));
after(() => closeFixtureWorkspace({ registry, workDir }));

const twoNamespaces = JSON.stringify({
  namespaces: {
    v1: { dependencies: { 'fixture-lib': '^1.0.0', 'fixture-dual': '^1.0.0' } },
    v2: { dependencies: { 'fixture-lib': '2.0.0', 'fixture-dual': '1.0.0', 'fixture-esm': '1.0.0' }, scope: ['src/v2/**'], shared: ['fixture-peer'] },
  },
});

test('installs each namespace into its own tree with its own lockfile and writes map.json', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  const events: Record<string, ProgressEvent[]> = {};
  const result = await installProject(project, { onProgress: (ns, e) => (events[ns] ??= []).push(e) });

  assert.deepEqual(await readMap(project), {
    version: 1,
    namespaces: {
      v1: { root: '.multiverse/v1', packages: { 'fixture-lib': '1.0.0', 'fixture-dual': '1.0.0' }, shared: [], scope: [] },
      v2: { root: '.multiverse/v2', packages: { 'fixture-lib': '2.0.0', 'fixture-dual': '1.0.0', 'fixture-esm': '1.0.0' }, shared: ['fixture-peer'], scope: ['src/v2/**'] },
    },
  });
  assert.equal(result.namespaces.v1?.changed, true);
  for (const ns of ['v1', 'v2']) {
    const manifest = JSON.parse(await readFile(path.join(project, '.multiverse', ns, 'package.json'), 'utf8')) as { dependencies: object };
    assert.deepEqual(manifest.dependencies, (await readConfig(project))?.namespaces[ns]?.dependencies);
    const lock = JSON.parse(await readFile(path.join(project, '.multiverse', ns, 'package-lock.json'), 'utf8')) as { lockfileVersion: number };
    assert.equal(lock.lockfileVersion, 3);
    const phases = (events[ns] ?? []).map((e) => e.phase);
    assert.deepEqual([...new Set(phases)], ['resolving', 'installing', 'linking', 'done']);
    const last = (events[ns] ?? []).filter((e) => e.phase === 'installing').at(-1);
    assert.ok(last && last.done === last.total && last.total > 0);
  }
  // Node resolves from each tree's real path: each tree loads its own fixture-lib.
  assert.equal(await nodeEval(path.join(project, '.multiverse', 'v1'), 'console.log(require("fixture-lib").version)'), '1.0.0');
  assert.equal(await nodeEval(path.join(project, '.multiverse', 'v2'), 'console.log(require("fixture-lib").version)'), '2.0.0');
  // Nothing but .multiverse/ was written in the project.
  assert.deepEqual((await readdir(project)).sort(), ['.multiverse', '.npmrc', 'multiverse.json']);
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).sort(), ['.store', 'map.json', 'v1', 'v2']);
});

test('identical files are one inode shared by every tree and the store', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  await installProject(project);
  const file = path.join('node_modules', 'fixture-dual', 'cjs', 'index.cjs');
  const a = await stat(path.join(project, '.multiverse', 'v1', file));
  const b = await stat(path.join(project, '.multiverse', 'v2', file));
  assert.equal(a.ino, b.ino);
  assert.equal(a.nlink, 3, 'two trees and the store');
  // Different versions are different bytes: not shared.
  const lib1 = await stat(path.join(project, '.multiverse', 'v1', 'node_modules', 'fixture-lib', 'package.json'));
  const lib2 = await stat(path.join(project, '.multiverse', 'v2', 'node_modules', 'fixture-lib', 'package.json'));
  assert.notEqual(lib1.ino, lib2.ino);
  // Hardlinks keep separate paths, so Node loads separate instances per tree.
  const code = (ns: string): string => `require(${JSON.stringify(path.join(project, '.multiverse', ns, 'node_modules', 'fixture-dual', 'cjs', 'index.cjs'))})`;
  assert.equal(await nodeEval(project, `console.log(${code('v1')} === ${code('v2')})`), 'false');
});

test('skips up-to-date namespaces and reinstalls stale ones; namespaceStatus tells which', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  const config = await readConfig(project);
  assert.ok(config);
  assert.deepEqual(await namespaceStatus(project, config), { v1: 'missing', v2: 'missing' });
  await installProject(project);
  assert.deepEqual(await namespaceStatus(project, config), { v1: 'installed', v2: 'installed' });

  const again = await installProject(project);
  assert.deepEqual([again.namespaces.v1?.changed, again.namespaces.v2?.changed], [false, false]);

  // A package deleted by hand makes its tree stale; reinstalling brings it back.
  await rm(path.join(project, '.multiverse', 'v2', 'node_modules', 'fixture-esm'), { recursive: true });
  assert.deepEqual(await namespaceStatus(project, config), { v1: 'installed', v2: 'stale' });
  assert.equal((await installProject(project)).namespaces.v2?.changed, true);

  // Someone ran npm inside a tree: its hidden lockfile changed, so it is stale.
  await writeFile(path.join(project, '.multiverse', 'v1', 'node_modules', '.package-lock.json'), '{}');
  // The config changed scope only: the tree is fine but map.json no longer describes it.
  const rescoped = JSON.parse(twoNamespaces) as { namespaces: { v2: { scope: string[] } } };
  rescoped.namespaces.v2.scope = ['lib/**'];
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify(rescoped));
  const changed = await readConfig(project);
  assert.ok(changed);
  assert.deepEqual(await namespaceStatus(project, changed), { v1: 'stale', v2: 'stale' });
  const third = await installProject(project);
  assert.deepEqual([third.namespaces.v1?.changed, third.namespaces.v2?.changed], [true, false]);
  assert.deepEqual(await namespaceStatus(project, changed), { v1: 'installed', v2: 'installed' });
  assert.deepEqual((await readMap(project))?.namespaces.v2?.scope, ['lib/**']);
});

test('a failed install leaves every tree and map.json untouched', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  await installProject(project);
  const mapBefore = await readFile(path.join(project, '.multiverse', 'map.json'), 'utf8');
  const lockBefore = await readFile(path.join(project, '.multiverse', 'v1', 'package-lock.json'), 'utf8');
  const inodeBefore = (await stat(path.join(project, '.multiverse', 'v1'))).ino;

  const broken = JSON.parse(twoNamespaces) as { namespaces: Record<string, { dependencies: Record<string, string> }> };
  (broken.namespaces.v1 as { dependencies: Record<string, string> }).dependencies['fixture-lib'] = '2.0.0';
  (broken.namespaces.v2 as { dependencies: Record<string, string> }).dependencies['no-such-package'] = '^1.0.0';
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify(broken));
  await assert.rejects(installProject(project), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.equal((error as InputError).code, 'EPACKAGENOTFOUND');
    assert.match(error.message, /namespace "v2": package "no-such-package@\^1\.0\.0" was not found in the registry http:\/\/127\.0\.0\.1/);
    return true;
  });
  assert.equal(await readFile(path.join(project, '.multiverse', 'map.json'), 'utf8'), mapBefore);
  // v1 installed fine on its own, but it is not swapped in while v2 failed: all or nothing.
  assert.equal(await readFile(path.join(project, '.multiverse', 'v1', 'package-lock.json'), 'utf8'), lockBefore);
  assert.equal((await stat(path.join(project, '.multiverse', 'v1'))).ino, inodeBefore);
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).sort(), ['.store', 'map.json', 'v1', 'v2'], 'no staging folders left');

  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces: { v1: { dependencies: { 'fixture-lib': '^7.0.0' } } } }));
  await assert.rejects(installProject(project), /namespace "v1": No matching version found for fixture-lib@\^7\.0\.0.*Check the version spec/);
});

test('staging folders of killed installs are removed, those of running ones kept', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': JSON.stringify({ namespaces: { a: { dependencies: { 'fixture-lib': '1.0.0' } } } }) });
  // A pid that cannot be running (above Linux's pid_max), and this test's own, which is.
  const abandoned = path.join(project, '.multiverse', '.a.staging-4194305-deadbeef');
  const running = path.join(project, '.multiverse', `.a.staging-${process.pid}-cafebabe`);
  await mkdir(path.join(abandoned, 'node_modules'), { recursive: true });
  await mkdir(running, { recursive: true });
  await installProject(project);
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).sort(), ['.a.staging-' + String(process.pid) + '-cafebabe', '.store', 'a', 'map.json']);
});

test('a second install in the same project is refused while the first runs; the lock of a dead one is taken over', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': JSON.stringify({ namespaces: { a: { dependencies: { 'fixture-lib': '1.0.0' } } } }) });
  const lock = path.join(project, '.multiverse', '.install.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  // The test runner's parent process stands in for another install that is still running.
  await writeFile(lock, String(process.ppid));
  await assert.rejects(installProject(project), /another multiverse install \(process \d+\) is running/);
  await writeFile(lock, '4194305');
  // Two installs started together in one process: the second is refused, not interleaved.
  const results = await Promise.allSettled([installProject(project), installProject(project)]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected');
  assert.match(String(refused?.reason), new RegExp(`another multiverse install \\(process ${process.pid}\\) is running`));
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).sort(), ['.store', 'a', 'map.json'], 'the lock is released');
});

test('the auth token for the registry comes from the project .npmrc, with ${VAR} expanded from the environment', async () => {
  // A registry that wants a bearer token, in front of the fixture registry.
  const seen: string[] = [];
  const guarded = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== 'Bearer s3cret') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    fetch(new URL(req.url ?? '/', registry.url)).then(
      async (upstream) => res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(Buffer.from(await upstream.arrayBuffer())),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}/`;
  try {
    const project = await makeProject(workDir, url, { 'multiverse.json': JSON.stringify({ namespaces: { a: { dependencies: { 'fixture-lib': '1.0.0' } } } }) });
    await writeFile(path.join(project, '.npmrc'), `${await readFile(path.join(project, '.npmrc'), 'utf8')}//127.0.0.1:${new URL(url).port}/:_authToken=\${TEST_REGISTRY_TOKEN}\n`);
    process.env.TEST_REGISTRY_TOKEN = 'wrong';
    await assert.rejects(installProject(project), (error: Error) => {
      assert.equal((error as InputError).code, 'EREGISTRYAUTH');
      assert.match(error.message, /namespace "a": the registry refused access \(E401\).*Check the auth token for http:\/\/127\.0\.0\.1:\d+\/ in your \.npmrc/);
      return true;
    });
    process.env.TEST_REGISTRY_TOKEN = 's3cret';
    await installProject(project);
    assert.equal((await readMap(project))?.namespaces.a?.packages['fixture-lib'], '1.0.0');
    assert.ok(seen.includes('Bearer s3cret') && seen.includes('Bearer wrong'));
  } finally {
    delete process.env.TEST_REGISTRY_TOKEN;
    guarded.closeAllConnections();
    await new Promise((resolve) => guarded.close(resolve));
  }
});

test('an unreachable registry is a clear input error', async () => {
  // Port 1 (tcpmux) is privileged and unused: the connection is refused every time, unlike a port
  // freed by a closed server, which another process may take before the install tries it.
  const project = await makeProject(workDir, 'http://127.0.0.1:1/', { 'multiverse.json': JSON.stringify({ namespaces: { a: { dependencies: { 'fixture-lib': '1.0.0' } } } }) });
  await assert.rejects(installProject(project), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.equal((error as InputError).code, 'EREGISTRY');
    assert.match(error.message, /cannot reach the registry http:\/\/127\.0\.0\.1:1\/ \(ECONNREFUSED\)/);
    return true;
  });
  assert.equal(await readMap(project), null);
});

test('removing a namespace from multiverse.json removes its tree and prunes the store', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  await installProject(project);
  const storeFiles = async (): Promise<number> => (await readdir(path.join(project, '.multiverse', '.store'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
  const before = await storeFiles();
  await mkdir(path.join(project, '.multiverse', 'users-own-folder'));
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces: { v1: (JSON.parse(twoNamespaces) as { namespaces: { v1: object } }).namespaces.v1 } }));
  const result = await installProject(project);
  assert.deepEqual(result.removed, ['v2']);
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).sort(), ['.store', 'map.json', 'users-own-folder', 'v1']);
  assert.deepEqual(Object.keys((await readMap(project))?.namespaces ?? {}), ['v1']);
  assert.ok((await storeFiles()) < before, 'files only v2 used left the store');
});

test('installTree refuses to replace a folder it did not make, and reports unknown namespaces', async () => {
  const project = await makeProject(workDir, registry.url, { 'ext/deps/keep.txt': 'mine' });
  await assert.rejects(installTree({ dir: path.join(project, 'ext', 'deps'), dependencies: { 'fixture-lib': '1.0.0' }, projectDir: project }), /was not made by multiverse/);
  assert.equal(await readFile(path.join(project, 'ext', 'deps', 'keep.txt'), 'utf8'), 'mine');
  const tree = await installTree({ dir: path.join(project, 'ext', 'tree'), dependencies: { 'fixture-esm': '1.0.0' }, projectDir: project });
  assert.equal(tree.changed, true);
  assert.equal((await installTree({ dir: path.join(project, 'ext', 'tree'), dependencies: { 'fixture-esm': '1.0.0' }, projectDir: project })).changed, false);
  await assert.rejects(installTree({ dir: path.join(project, 'x'), dependencies: { 'fixture-lib': '^1.x.y' }, projectDir: project }), /cannot install x: "\^1\.x\.y" is not a valid version spec/);

  await writeFile(path.join(project, 'multiverse.json'), twoNamespaces);
  await assert.rejects(installProject(project, { namespaces: ['v3'] }), /declares no namespace "v3"; declared: "v1", "v2"/);
  await rm(path.join(project, 'multiverse.json'));
  await assert.rejects(installProject(project), /multiverse\.json does not exist.*multiverse isolate/);
});

test('a local file: dependency is copied into the tree and a change to its files makes the tree stale', async () => {
  const project = await makeProject(workDir, registry.url, {
    'plugins/local-plugin/package.json': JSON.stringify({ name: 'local-plugin', version: '1.0.0', main: 'index.js', dependencies: { 'fixture-lib': '^2.0.0' } }),
    'plugins/local-plugin/index.js': 'module.exports = "first " + require("fixture-lib").version;\n',
    'multiverse.json': JSON.stringify({ namespaces: { local: { dependencies: { 'local-plugin': 'file:plugins/local-plugin' } } } }),
  });
  await installProject(project);
  const installed = path.join(project, '.multiverse', 'local', 'node_modules', 'local-plugin');
  assert.ok((await lstat(installed)).isDirectory(), 'a copy, not a symlink back into the project');
  const tree = path.join(project, '.multiverse', 'local');
  assert.equal(await nodeEval(tree, 'console.log(require("local-plugin"))'), 'first 2.0.0');

  await writeFile(path.join(project, 'plugins', 'local-plugin', 'index.js'), 'module.exports = "second";\n');
  const config = await readConfig(project);
  assert.ok(config);
  assert.deepEqual(await namespaceStatus(project, config), { local: 'stale' });
  assert.equal((await installProject(project)).namespaces.local?.changed, true);
  assert.equal(await nodeEval(tree, 'console.log(require("local-plugin"))'), 'second');
});

test('progress: bars redrawn in place on a TTY, one line per phase change elsewhere', () => {
  const capture = (isTTY: boolean): string => {
    let out = '';
    const stream = Object.assign(new PassThrough(), { isTTY });
    stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const display = new ProgressDisplay(stream);
    const a = display.listener('alpha');
    const b = display.listener('b');
    a({ phase: 'resolving', done: 0, total: 0 });
    b({ phase: 'up-to-date', done: 0, total: 0, message: 'up to date' });
    a({ phase: 'installing', done: 0, total: 4 });
    a({ phase: 'installing', done: 2, total: 4 });
    a({ phase: 'done', done: 4, total: 4, message: 'installed 9 files' });
    display.finish();
    stream.end();
    return out;
  };
  const plain = capture(false);
  assert.equal(plain, 'alpha: resolving\nalpha: installing 4 packages\nalpha: installed 9 files\n');
  const tty = capture(true);
  const row = (label: string, bar: string, text: string): string => `\u001b[2K${label}  [${bar}]  ${text}\n`;
  assert.ok(tty.startsWith(row('alpha', '-'.repeat(24), 'resolving')), tty);
  assert.ok(tty.includes('\u001b[2A'), 'moves up over both rows to redraw them');
  assert.ok(tty.endsWith(row('alpha', '#'.repeat(24), 'installed 9 files') + row('b    ', '#'.repeat(24), 'up to date')), tty);
});

test('optional packages npm leaves out on this platform are not missing: a darwin-only optional keeps its tree installed, and install skips it', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': JSON.stringify({ namespaces: { watch: { dependencies: { 'fixture-watcher': '1.0.0' } } } }) });
  await installProject(project);
  const tree = path.join(project, '.multiverse', 'watch');
  const lock = JSON.parse(await readFile(path.join(tree, 'package-lock.json'), 'utf8')) as { packages: Record<string, { optional?: boolean; os?: string[] }> };
  assert.deepEqual(lock.packages['node_modules/fixture-darwin-only'], { ...lock.packages['node_modules/fixture-darwin-only'], optional: true, os: ['darwin'] }, 'the lockfile lists it for every platform');
  const onDisk = await stat(path.join(tree, 'node_modules', 'fixture-darwin-only')).then(() => true, () => false);
  assert.equal(onDisk, process.platform === 'darwin', 'npm installs it on macOS only');
  const config = await readConfig(project);
  assert.ok(config);
  assert.deepEqual(await namespaceStatuses(project, config), { watch: { state: 'installed', reason: null } });
  assert.equal((await installProject(project)).namespaces.watch?.changed, false, 'up to date: nothing reinstalled');

  // A package the tree does need, deleted: stale, and the reason names it.
  await rm(path.join(tree, 'node_modules', 'fixture-watcher'), { recursive: true });
  assert.deepEqual(await namespaceStatuses(project, config), { watch: { state: 'stale', reason: 'node_modules/fixture-watcher is missing from it (deleted after the install)' } });
  await installProject(project);
  // The spec changed: the reason says how.
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces: { watch: { dependencies: { 'fixture-watcher': '^1.0.0', 'fixture-lib': '^1.0.0' } } } }));
  const changed = await readConfig(project);
  assert.ok(changed);
  assert.deepEqual(await namespaceStatuses(project, changed), {
    watch: { state: 'stale', reason: 'its dependencies changed since it was installed (added "fixture-lib": "^1.0.0", "fixture-watcher" "1.0.0" → "^1.0.0")' },
  });
});

test('install prunes namespaces multiverse.json no longer declares, their map entries too, even with no multiverse.json left', async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': twoNamespaces });
  await installProject(project);
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces: { v1: JSON.parse(twoNamespaces).namespaces.v1 } }));
  assert.deepEqual(await orphanedNamespaces(project, await readConfig(project)), [{ name: 'v2', tree: path.join(project, '.multiverse', 'v2'), mapped: true }]);
  const result = await installProject(project);
  assert.deepEqual(result.removed, ['v2']);
  assert.deepEqual(Object.keys((await readMap(project))?.namespaces ?? {}), ['v1']);

  await rm(path.join(project, 'multiverse.json'));
  assert.deepEqual((await orphanedNamespaces(project, null)).map((o) => [o.name, o.mapped]), [['v1', true]]);
  assert.deepEqual((await installProject(project)).removed, ['v1']);
  assert.deepEqual(await readMap(project), { version: 1, namespaces: {} });
  assert.deepEqual(await orphanedNamespaces(project, null), []);
  await assert.rejects(installProject(project), /multiverse\.json does not exist, so there are no namespaces to install/);
});
