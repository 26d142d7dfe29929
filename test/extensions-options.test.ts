import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExtensionManager } from 'multiverse';
import { nodeFeatures } from 'multiverse/tooling';
import { extensionsRoot } from './support/extensions';

const manager = new ExtensionManager({ root: extensionsRoot });
after(() => manager.stopAll());

describe('bad input is refused before anything starts', () => {
  for (const name of ['../escape', 'a/b', 'a\\b', '.hidden', 'semi;colon', '$(whoami)', 'back`tick`', 'spa ce', '', '-flag', 'x'.repeat(65)]) {
    test(`extension name ${JSON.stringify(name)}`, async () => {
      // The path is bad too: the name must be refused first, before any path is built from it.
      await assert.rejects(manager.load({ name, path: '../../etc' }), { name: 'InputError', code: 'EINVALIDNAME' });
    });
  }

  test('a path outside the root', async () => {
    await assert.rejects(manager.load({ name: 'outside', path: '../../../runtime' }), (e: Error & { code: string }) => e.code === 'EOUTSIDEROOT' && /outside the project root/.test(e.message));
    await assert.rejects(manager.load({ name: 'absolute', path: '/etc' }), { code: 'EOUTSIDEROOT' });
  });

  test('a path that does not exist', async () => {
    await assert.rejects(manager.load({ name: 'missing', path: 'no-such-extension' }), { code: 'EEXTENSIONPATH' });
  });

  test('dependency specs that are not valid npm specs', async () => {
    await assert.rejects(manager.load({ name: 'bad-spec', path: 'toolbox', dependencies: { lodash: 'not a spec!' } }), (e: Error & { code: string }) => e.code === 'EINVALIDSPEC' && /dependency "lodash": "not a spec!" is not a valid npm spec/.test(e.message));
    await assert.rejects(manager.load({ name: 'bad-package', path: 'toolbox', dependencies: { '../evil': '1.0.0' } }), { code: 'EINVALIDSPEC' });
    await assert.rejects(manager.load({ name: 'bad-file-spec', path: 'toolbox', dependencies: { local: 'file:../../../../..' } }), { code: 'EOUTSIDEROOT' });
  });

  test('options that do not fit together or have the wrong type', async () => {
    await assert.rejects(manager.load({ name: 'bad-isolation', path: 'toolbox', isolation: 'thread' as 'worker' }), { code: 'EINVALIDOPTIONS' });
    await assert.rejects(manager.load({ name: 'worker-permissions', path: 'toolbox', isolation: 'worker', permissions: { fsRead: [] } }), (e: Error) => /permissions need isolation "process"/.test(e.message));
    await assert.rejects(manager.load({ name: 'bad-limit', path: 'toolbox', limits: { memoryMb: -1 } }), { code: 'EINVALIDOPTIONS' });
    await assert.rejects(manager.load({ name: 'bad-port', path: 'toolbox', inspect: 70000 }), { code: 'EINVALIDOPTIONS' });
    await assert.rejects(manager.load({ name: 'bad-api', path: 'toolbox', apis: { 'no/slash': {} } }), { code: 'EINVALIDOPTIONS' });
    await assert.rejects(manager.load({ name: 'function-api', path: 'toolbox', apis: { notify: () => undefined } }), /API "notify" must be an object with methods or a ProxiedSingleton class/);
  });

  test('a second extension with a loaded name', async () => {
    await manager.load({ name: 'twice', path: 'toolbox' });
    await assert.rejects(manager.load({ name: 'twice', path: 'toolbox' }), { code: 'EEXTENSIONEXISTS' });
    await manager.stop('twice');
  });

  test('stopping or calling an extension that is not loaded', async () => {
    await assert.rejects(manager.stop('ghost'), { code: 'ENOTLOADED' });
    await assert.rejects(manager.call('ghost', 'add', [1, 2]), { code: 'ENOTLOADED' });
  });
});

describe('permissions in process mode (a seat belt, not a sandbox)', () => {
  let dir: string;
  let readable: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-permissions-'));
    readable = path.join(dir, 'readable.txt');
    await writeFile(readable, 'granted');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  interface Files {
    read(file: string): string;
    write(file: string, text: string): void;
    spawn(): string;
    childRestricted(): boolean;
    startWorker(): string;
  }
  const model = nodeFeatures().permission;
  const reportOf = (name: string) => manager.list().find((e) => e.name === name)?.permissions;

  test('reads and writes only where granted; no child processes or workers unless asked', async () => {
    const ext = await manager.load<Files>({ name: 'fenced', path: 'files', isolation: 'process', permissions: { fsRead: [dir] } });
    assert.equal(await ext.read(readable), 'granted');
    await assert.rejects(ext.read(path.join(extensionsRoot, '..', 'packages', 'fixture-esm', 'package.json')), { code: 'ERR_ACCESS_DENIED' });
    await assert.rejects(ext.write(path.join(dir, 'out.txt'), 'x'), { code: 'ERR_ACCESS_DENIED' });
    await assert.rejects(ext.spawn(), { code: 'ERR_ACCESS_DENIED' });
    await assert.rejects(ext.startWorker(), { code: 'ERR_ACCESS_DENIED' });
    // The extension's own process reports what the model lets it do.
    const report = reportOf('fenced');
    assert.ok(report !== undefined);
    assert.equal(report.node, process.versions.node);
    assert.equal(report.flag, model.flag);
    assert.deepEqual(Object.keys(report.scopes).sort(), [...model.grants.keys()].sort(), 'every scope this Node restricts');
    assert.ok(Object.values(report.scopes).every((held) => held === false), JSON.stringify(report.scopes));
    assert.ok(report.fsRead.includes(dir) && report.fsWrite.length === 0);
    assert.deepEqual(report.unrestricted, ['network']);
    await manager.stop('fenced');
    await manager.load({ name: 'plain', path: 'files', isolation: 'process' });
    assert.equal(reportOf('plain'), undefined, 'no report without permissions');
    await manager.stop('plain');
  });

  test('an ES module extension under permissions: in-thread hooks where Node has them, else it needs the worker permission', async () => {
    if (nodeFeatures().syncHooks) {
      const ext = await manager.load<{ separator(): string }>({ name: 'esm-fenced', path: 'esm/index.mjs', isolation: 'process', permissions: {} });
      assert.equal(await ext.separator(), path.sep);
      assert.equal(reportOf('esm-fenced')?.scopes.worker, false);
      await manager.stop('esm-fenced');
      return;
    }
    await assert.rejects(manager.load({ name: 'esm-fenced', path: 'esm/index.mjs', isolation: 'process', permissions: {} }), (e: Error) => {
      assert.equal((e.cause as { code: string }).code, 'EESMPERMISSION');
      assert.match((e.cause as Error).message, /Add permissions\.worker: true, write the extension as CommonJS, or run it on Node 22\.15 or later/);
      return true;
    });
  });

  test('fsWrite and childProcess grant what they name; child processes inherit the model where Node passes it on', async () => {
    const ext = await manager.load<Files>({ name: 'granted', path: 'files', isolation: 'process', permissions: { fsRead: [dir], fsWrite: [dir], childProcess: true } });
    await ext.write(path.join(dir, 'out.txt'), 'written');
    assert.equal(await readFile(path.join(dir, 'out.txt'), 'utf8'), 'written');
    assert.equal(await ext.spawn(), 'spawned');
    assert.equal(await ext.childRestricted(), model.inheritedByChildren);
    const report = reportOf('granted');
    assert.equal(report?.scopes.child, true);
    assert.deepEqual(report?.fsWrite, [dir]);
    assert.equal(report?.childrenInherit, model.inheritedByChildren);
    await manager.stop('granted');
  });

  test('inspect under permissions: allowed where Node can allow the inspector, refused with the reason elsewhere', async () => {
    const options = { name: 'debugged', path: 'files', isolation: 'process' as const, permissions: {}, inspect: 0 };
    if (!model.grants.has('inspector')) {
      await assert.rejects(manager.load(options), (e: Error & { code: string }) => e.code === 'EINVALIDOPTIONS' && /turns the inspector off \(Node 24\.12 and later can allow it\)/.test(e.message));
      return;
    }
    await manager.load(options);
    assert.equal(reportOf('debugged')?.scopes.inspector, true);
    await manager.stop('debugged');
  });
});

