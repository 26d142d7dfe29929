import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ExtensionManager, type ExtensionExitEvent, type ExtensionRestartEvent, type ProxiedSingleton } from 'multiverse';
import { extensionsRoot, type Toolbox } from './support/extensions';

interface Hooks {
  history(): string[];
  name(): string;
}

const manager = new ExtensionManager({ root: extensionsRoot });
after(() => manager.stopAll());

test('hooks run in order on load, and stop() runs on stop; then the name is free again', async () => {
  const events: string[] = [];
  const apis = { events: { record: (e: string) => events.push(e) } };
  const ext = await manager.load<Hooks>({ name: 'hooks', path: 'hooks', apis });
  assert.deepEqual(await ext.history(), ['constructed', 'beforeModuleLoaded', 'onModuleLoaded(function)']);
  assert.equal(await ext.name(), 'hooks');
  assert.deepEqual(events, ['before']);
  await manager.stop('hooks');
  assert.deepEqual(events, ['before', 'stop']);
  await assert.rejects(ext.history(), { name: 'ExtensionError', code: 'EEXTENSIONSTOPPED' });
  assert.equal(manager.list().some((e) => e.name === 'hooks'), false);
  const again = await manager.load<Hooks>({ name: 'hooks', path: 'hooks', apis });
  assert.equal(await again.name(), 'hooks');
  await manager.stop('hooks');
});

test('restart resolves to a fresh handle; old handles follow the new run; calls made meanwhile wait', async () => {
  const ext = await manager.load<Toolbox>({ name: 'restartable', path: 'toolbox', isolation: 'process' });
  const firstPid = await ext.pid();
  const restarting = manager.restart<Toolbox>('restartable');
  const during = ext.add(1, 2);
  const fresh = await restarting;
  assert.equal(await during, 3);
  const secondPid = await fresh.pid();
  assert.notEqual(secondPid, firstPid);
  assert.equal(await ext.pid(), secondPid);
  const info = manager.list().find((e) => e.name === 'restartable');
  assert.equal(info?.restarts, 1);
  assert.equal(info?.state, 'running');
  assert.equal(info?.pid, secondPid);
  await manager.stop('restartable');
});

test('restarts asked for at the same time run one after the other and leave one run', { timeout: 30_000 }, async () => {
  const ext = await manager.load<Toolbox>({ name: 'double-restart', path: 'toolbox', isolation: 'process' });
  const exits: ExtensionExitEvent[] = [];
  const onExit = (event: ExtensionExitEvent): void => void exits.push(event);
  manager.on('exit', onExit);
  await Promise.all([manager.restart('double-restart'), manager.restart('double-restart')]);
  manager.off('exit', onExit);
  assert.deepEqual(exits, [{ name: 'double-restart', error: undefined }, { name: 'double-restart', error: undefined }], 'both earlier runs were stopped');
  assert.equal(manager.list().find((e) => e.name === 'double-restart')?.restarts, 2);
  assert.equal(await ext.add(1, 1), 2);
  await manager.stop('double-restart');
});

test('list() reports each extension with its state, methods and process', async () => {
  await manager.load<Toolbox>({ name: 'listed', path: 'toolbox', isolation: 'worker' });
  const [info] = manager.list().filter((e) => e.name === 'listed');
  assert.equal(info?.isolation, 'worker');
  assert.equal(info?.state, 'running');
  assert.equal(info?.pid, process.pid);
  assert.equal(typeof info?.threadId, 'number');
  assert.ok(info?.methods.includes('add'));
  assert.equal(info?.entry, path.join(extensionsRoot, 'toolbox', 'index.js'));
  assert.equal(await manager.call('listed', 'add', [2, 3]), 5, 'call() by name works like the handle');
  await manager.stop('listed');
});

test('an ESM extension imports ExtensionBase from "multiverse" without declaring it or having it installed', async () => {
  // Outside the repository, no node_modules/multiverse exists above the extension: only the runtime can provide it.
  const root = await mkdtemp(path.join(os.tmpdir(), 'multiverse-esm-'));
  try {
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(path.join(root, 'index.js'), "import { ExtensionBase } from 'multiverse';\nimport { sep } from 'node:path';\nexport default class extends ExtensionBase { separator() { return sep; } name() { return this.extensionName; } }\n");
    const esm = new ExtensionManager({ root });
    for (const isolation of ['worker', 'process'] as const) {
      const ext = await esm.load<{ separator(): string; name(): string }>({ name: `esm-${isolation}`, path: 'index.js', isolation });
      assert.equal(await ext.separator(), path.sep);
      assert.equal(await ext.name(), `esm-${isolation}`);
    }
    await esm.stopAll();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('env adds variables to the extension’s environment', async () => {
  for (const isolation of ['worker', 'process'] as const) {
    const ext = await manager.load<Toolbox>({ name: `env-${isolation}`, path: 'toolbox', isolation, env: { MULTIVERSE_TEST_VALUE: isolation } });
    assert.equal(await ext.env('MULTIVERSE_TEST_VALUE'), isolation);
    await manager.stop(`env-${isolation}`);
  }
});

test('a ProxiedSingleton lives in the host; extensions share it through proxies', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixture is plain JavaScript shared with the extensions
  const Counter = require(path.join(extensionsRoot, 'shared', 'counter.js')) as { instance(): ProxiedSingleton & { get(key: string): number } };
  const a = await manager.load<{ bump(key: string): number; bumpWithNew(key: string): number }>({ name: 'counter-a', path: 'counter-a', isolation: 'worker', apis: { Counter } });
  const b = await manager.load<{ read(key: string): number }>({ name: 'counter-b', path: 'counter-b', isolation: 'process' });
  assert.equal(await a.bump('k'), 1);
  assert.equal(await a.bumpWithNew('k'), 2, 'new Counter() inside an extension is the host instance too');
  assert.equal(await b.read('k'), 2, 'another extension reads what the first wrote');
  assert.equal(Counter.instance().get('k'), 2, 'the state lives in the host');
  await manager.stop('counter-a');
  await manager.stop('counter-b');
});

test('watch: true restarts the extension when one of its files changes', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'multiverse-watch-'));
  try {
    const source = (version: number): string => `const { ExtensionBase } = require('multiverse');\nmodule.exports = class extends ExtensionBase { version() { return ${version}; } };\n`;
    await writeFile(path.join(root, 'index.js'), source(1));
    const watching = new ExtensionManager({ root });
    const ext = await watching.load<{ version(): number }>({ name: 'watched', path: '.', watch: true });
    assert.equal(await ext.version(), 1);
    const restarted = once(watching, 'restart') as Promise<[ExtensionRestartEvent]>;
    await writeFile(path.join(root, 'index.js'), source(2));
    const [event] = await restarted;
    assert.deepEqual(event, { name: 'watched', reason: 'watch' });
    assert.equal(await ext.version(), 2);
    await watching.stopAll();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('inspect: port starts the extension under the inspector, for worker and process', async () => {
  for (const isolation of ['worker', 'process'] as const) {
    const port = await freePort();
    await manager.load({ name: `inspected-${isolation}`, path: 'toolbox', isolation, inspect: port });
    const response = await fetch(`http://127.0.0.1:${port}/json/list`);
    const targets = (await response.json()) as { webSocketDebuggerUrl: string }[];
    assert.ok(targets.length >= 1);
    assert.match(targets[0]?.webSocketDebuggerUrl ?? '', new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
    await manager.stop(`inspected-${isolation}`);
  }
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
