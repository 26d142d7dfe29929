import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { callOptions, ExtensionError, ExtensionManager, type ExtensionRestartEvent } from 'multiverse';
import { eventually, extensionsRoot, isolations, type Toolbox } from './support/extensions';

// Small limits keep every fault bounded: a stuck extension is killed after 200 ms.
const limits = { stopTimeoutMs: 200, startTimeoutMs: 10_000 };
const manager = new ExtensionManager({ root: extensionsRoot });
after(() => manager.stopAll());

function isExtensionError(code: string, check: (e: ExtensionError) => void = () => undefined): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof ExtensionError, `expected an ExtensionError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  };
}

for (const isolation of isolations) {
  test(`${isolation}: an extension that throws while loading rejects load() with its error as the cause`, async () => {
    await assert.rejects(
      manager.load({ name: `throws-${isolation}`, path: 'throws-on-load', isolation, limits }),
      isExtensionError('EEXTENSIONLOAD', (e) => {
        const cause = e.cause as TypeError & { code: string };
        assert.ok(cause instanceof TypeError);
        assert.equal(cause.code, 'ECONFIG');
        assert.equal(cause.message, 'configuration missing');
        assert.match(e.message, /Extension "throws-.*" failed to load: TypeError: configuration missing\./);
      }),
    );
    assert.equal(manager.list().some((e) => e.name === `throws-${isolation}`), false);
  });

  test(`${isolation}: a module without an ExtensionBase default export is refused with a clear error`, async () => {
    await assert.rejects(
      manager.load({ name: `no-default-${isolation}`, path: 'no-default', isolation, limits }),
      isExtensionError('EEXTENSIONLOAD', (e) => {
        assert.equal((e.cause as { code: string }).code, 'ENOTEXTENSION');
        assert.match((e.cause as Error).message, /must default-export a class extending ExtensionBase .*its default export is an object, not a class/);
      }),
    );
  });

  test(`${isolation}: an extension that does not load within limits.startTimeoutMs is killed`, async () => {
    await assert.rejects(
      manager.load({ name: `slow-${isolation}`, path: 'slow-load', isolation, limits: { ...limits, startTimeoutMs: 100 } }),
      isExtensionError('EEXTENSIONSTART', (e) => assert.match(e.message, /did not finish loading within 100 ms/)),
    );
    assert.equal(manager.list().some((e) => e.name === `slow-${isolation}`), false);
  });

  test(`${isolation}: an exit rejects pending calls with the exit code and the stderr tail; restart() recovers`, async () => {
    const name = `exits-${isolation}`;
    const ext = await manager.load<Toolbox>({ name, path: 'toolbox', isolation, limits });
    const pending = ext.delayed(60_000, 'never');
    await ext.writeStderr('last words before exiting\n');
    await ext.exit(3);
    await assert.rejects(
      pending,
      isExtensionError('EEXTENSIONEXIT', (e) => {
        assert.equal(e.exitCode, 3);
        assert.equal(e.extension, name);
        assert.match(e.stderr, /last words before exiting/);
        assert.match(e.message, /exited with code 3\.\nLast lines of its stderr:\n {2}\| last words before exiting/);
      }),
    );
    await assert.rejects(ext.add(1, 1), { code: 'EEXTENSIONEXIT' });
    assert.equal(manager.list().find((e) => e.name === name)?.state, 'crashed');
    await manager.restart(name);
    assert.equal(await ext.add(1, 1), 2);
    await manager.stop(name);
  });

  test(`${isolation}: an infinite loop is cut short by the call timeout, and stop() still ends the extension`, async () => {
    const name = `spins-${isolation}`;
    const ext = await manager.load<Toolbox>({ name, path: 'toolbox', isolation, limits });
    await assert.rejects(ext.spin(callOptions({ timeoutMs: 50 })), { code: 'ETIMEDOUT' });
    await manager.stop(name);
    assert.equal(manager.list().some((e) => e.name === name), false);
  });

  test(`${isolation}: running out of limits.memoryMb kills only the extension`, async () => {
    const name = `hog-${isolation}`;
    const ext = await manager.load<Toolbox>({ name, path: 'toolbox', isolation, limits: { ...limits, memoryMb: 24 } });
    await assert.rejects(ext.allocate(), isExtensionError('EEXTENSIONOOM', (e) => assert.match(e.message, /ran out of memory \(limits\.memoryMb: 24\)/)));
    await manager.stop(name);
  });
}

test('worker: a synchronous call to a stuck extension gives up at the call timeout', async () => {
  const ext = await manager.load<Toolbox>({ name: 'sync-stuck', path: 'toolbox', isolation: 'worker', limits: { ...limits, callTimeoutMs: 100 } });
  assert.throws(() => ext.sync.spin(), (e: Error & { code: string }) => e.code === 'ETIMEDOUT' && /Synchronous call spin\(\) on extension "sync-stuck" did not return within 100 ms/.test(e.message));
  await manager.stop('sync-stuck');
});

test('worker: an extension that exits during a synchronous call wakes the host with the exit code', async () => {
  const ext = await manager.load<Toolbox>({ name: 'sync-exit', path: 'toolbox', isolation: 'worker', limits });
  assert.throws(() => ext.sync.exitNow(4), isExtensionError('EEXTENSIONEXIT', (e) => {
    assert.equal(e.exitCode, 4);
    assert.match(e.message, /exited with code 4 during the synchronous call exitNow\(\)/);
  }));
  await manager.stop('sync-exit');
});

test('stop() during load() makes the load fail without leaving the extension running', async () => {
  const loading = manager.load<Toolbox>({ name: 'short-lived', path: 'toolbox', isolation: 'process', limits });
  await manager.stop('short-lived');
  await assert.rejects(loading, { code: 'EEXTENSIONSTOPPED' });
  assert.equal(manager.list().some((e) => e.name === 'short-lived'), false);
});

test('worker: an uncaught exception after loading is reported as a crash with the error as cause', async () => {
  const ext = await manager.load<Toolbox>({ name: 'crashes-worker', path: 'toolbox', isolation: 'worker', limits });
  const pending = ext.delayed(60_000, 'never');
  await ext.crashLater('kaboom');
  await assert.rejects(pending, isExtensionError('EEXTENSIONCRASH', (e) => assert.equal((e.cause as Error).message, 'kaboom')));
  await manager.stop('crashes-worker');
});

test('process: an uncaught exception exits with code 1 and its stack in the stderr tail', async () => {
  const ext = await manager.load<Toolbox>({ name: 'crashes-process', path: 'toolbox', isolation: 'process', limits });
  const pending = ext.delayed(60_000, 'never');
  await ext.crashLater('kaboom');
  await assert.rejects(pending, isExtensionError('EEXTENSIONEXIT', (e) => {
    assert.equal(e.exitCode, 1);
    assert.match(e.stderr, /Error: kaboom/);
  }));
  await manager.stop('crashes-process');
});

test('process: a killed extension rejects with the signal', async () => {
  const ext = await manager.load<Toolbox>({ name: 'killed', path: 'toolbox', isolation: 'process', limits });
  const pending = ext.delayed(60_000, 'never');
  process.kill(await ext.pid(), 'SIGKILL');
  await assert.rejects(pending, isExtensionError('EEXTENSIONKILLED', (e) => assert.equal(e.signal, 'SIGKILL')));
  await manager.stop('killed');
});

test('a restart policy brings a crashed extension back, up to maxRestarts', async () => {
  const ext = await manager.load<Toolbox>({ name: 'phoenix', path: 'toolbox', isolation: 'worker', limits, restart: { maxRestarts: 1, delayMs: 0 } });
  const restarted = once(manager, 'restart') as Promise<[ExtensionRestartEvent]>;
  await ext.exit(1);
  const [event] = await restarted;
  assert.deepEqual(event, { name: 'phoenix', reason: 'crash' });
  assert.equal(await ext.add(2, 2), 4);
  await ext.exit(1);
  await eventually('the second crash is recorded', () => manager.list().find((e) => e.name === 'phoenix')?.state === 'crashed');
  await assert.rejects(ext.add(2, 2), { code: 'EEXTENSIONEXIT' });
  assert.equal(manager.list().find((e) => e.name === 'phoenix')?.restarts, 1);
  await manager.stop('phoenix');
});
