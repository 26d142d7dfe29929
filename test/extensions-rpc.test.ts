import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, before, describe, test } from 'node:test';
import { callOptions, ExtensionManager, transfer, type ExtensionHandle } from 'multiverse';
import { eventually, extensionsRoot, isolations, type Toolbox } from './support/extensions';

const chainContext = new AsyncLocalStorage<string>();

for (const isolation of isolations) {
  describe(`RPC with a ${isolation} extension`, () => {
    const manager = new ExtensionManager({ root: extensionsRoot });
    let ext: ExtensionHandle<Toolbox>;
    const logged: string[] = [];
    const seenByHost: (string | undefined)[] = [];
    const chain = {
      // Each level records the async context it runs in, then calls back into the extension in a new one.
      async ping(depth: number): Promise<number> {
        seenByHost.push(chainContext.getStore());
        if (depth === 0) return 0;
        return 1 + ((await chainContext.run(`level ${depth}`, () => ext.pingHost(depth - 1))) as number);
      },
    };

    before(async () => {
      ext = await manager.load<Toolbox>({ name: `rpc-${isolation}`, path: 'toolbox', isolation, apis: { logger: { log: (m: string) => logged.push(m) }, chain } });
    });
    after(() => manager.stopAll());

    test('every property is a remote method; the handle is neither a thenable nor JSON-able', async () => {
      assert.equal(await ext.add(2, 3), 5);
      assert.equal((ext as unknown as { then?: unknown }).then, undefined);
      assert.equal(JSON.stringify(ext), '{}');
    });

    test('many calls in flight settle independently, in any order', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => ext.delayed((50 - i) % 7, i)));
      assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i));
    });

    test('the extension calls host APIs', async () => {
      assert.equal(await ext.log('hello'), 1);
      assert.deepEqual(logged, ['hello']);
    });

    test('functions cross as callable proxies, both ways', async () => {
      assert.equal(await ext.invoke((a: number, b: number) => a * b, 6, 7), 42);
      assert.equal(await ext.invoke(async (o: { n: number }) => o.n + 1, { n: 1 }), 2);
      const counter = (await ext.makeCounter()) as () => Promise<number>;
      assert.equal(await counter(), 1);
      assert.equal(await counter(), 2);
    });

    test('errors keep name, message, code, cause, extra properties and the remote stack', async () => {
      const error = await ext.fail('out of range').then(
        () => assert.fail('fail() resolved'),
        (e: unknown) => e as RangeError & { code: string; detail: number; remoteStack: string },
      );
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, 'out of range');
      assert.equal(error.code, 'EBROKEN');
      assert.equal(error.detail, 42);
      assert.equal((error.cause as Error).message, 'inner cause');
      assert.match(error.stack ?? '', new RegExp(`--- remote stack \\(extension "rpc-${isolation}"\\) ---\\n\\s+at Toolbox.fail .*toolbox[\\\\/]index.js`));
      assert.match(error.remoteStack, /RangeError: out of range/);
    });

    test('an unknown method fails with the list of available methods; "_" methods are private', async () => {
      await assert.rejects(ext.nope(), (e: Error & { code: string }) => e.code === 'ENOMETHOD' && /nope\(\) is not a method\. Available methods: add, .*echo, /.test(e.message));
      await assert.rejects(ext._private(), { code: 'ENOMETHOD' });
      await assert.rejects((Reflect.get(ext, 'constructor') as () => Promise<unknown>)(), { code: 'ENOMETHOD' });
    });

    test('an argument that cannot be serialized is named by its path', async () => {
      await assert.rejects(ext.echo(1, { nested: [0, { bad: Symbol('s') }] }), (e: Error & { code: string }) => {
        assert.equal(e.code, 'EUNSERIALIZABLE');
        assert.match(e.message, /Cannot send args\[1\]\.nested\[1\]\.bad of call echo\(\) to extension "rpc-/);
        return true;
      });
      assert.equal(await ext.add(1, 1), 2, 'the extension is still usable');
    });

    test('a return value that cannot be serialized is named by its path', async () => {
      await assert.rejects(ext.unserializableResult(), (e: Error & { code: string }) => e.code === 'EUNSERIALIZABLE' && /Cannot send the return value\.handle of a result to the host/.test(e.message));
    });

    test('a singleton the host never created is a clear error inside the extension', async () => {
      await assert.rejects(ext.askForSingleton(), (e: Error & { code: string }) => e.code === 'ENOSINGLETON' && /the singleton Unregistered, which the host has not created/.test(e.message));
    });

    test('an AbortSignal rejects the call and aborts the callee’s currentSignal()', async () => {
      const controller = new AbortController();
      const call = ext.waitForCancel(callOptions({ signal: controller.signal }));
      await ext.add(0, 0); // the call has reached the extension
      controller.abort();
      await assert.rejects(call, { name: 'AbortError', code: 'ABORT_ERR' });
      await eventually('the extension saw the abort', async () => (await ext.cancelledCount()) === 1);
      await assert.rejects(ext.add(1, 2, callOptions({ signal: AbortSignal.abort() })), { name: 'AbortError' });
    });

    test('a per-call timeout rejects with ETIMEDOUT and leaves the extension usable', async () => {
      await assert.rejects(ext.delayed(60_000, 'late', callOptions({ timeoutMs: 30 })), (e: Error & { code: string }) => e.code === 'ETIMEDOUT' && /delayed\(\) on extension "rpc-.*" did not settle within 30 ms/.test(e.message));
      assert.equal(await ext.add(2, 2), 4);
    });

    test('async contexts follow a host → extension → host chain 10 levels deep, on both sides', async () => {
      seenByHost.length = 0;
      await ext.contextsSeen();
      const depth = await chainContext.run('root', () => ext.pingHost(10));
      assert.equal(depth, 10);
      assert.deepEqual(seenByHost, ['root', ...Array.from({ length: 10 }, (_, i) => `level ${10 - i}`)]);
      assert.deepEqual(await ext.contextsSeen(), [null, ...Array.from({ length: 10 }, (_, i) => `extension level ${10 - i}`)]);
    });

    test('functions the extension drops are released on the host; kept ones are not', async () => {
      const lent = (): number => manager.list().find((e) => e.name === `rpc-${isolation}`)?.lentFunctions ?? -1;
      for (let i = 0; i < 5; i++) await ext.invoke(() => i);
      await ext.keep(() => 'kept');
      await eventually('dropped callbacks are released', async () => {
        await ext.collect();
        return lent() === 1;
      });
      assert.deepEqual(await ext.callKept(), ['kept']);
      await ext.forget();
      await eventually('the forgotten callback is released', async () => {
        await ext.collect();
        return lent() === 0;
      });
    });

    if (isolation === 'worker') {
      test('transfer() moves an ArrayBuffer without copying; SharedArrayBuffer memory is shared', async () => {
        const array = new Float64Array(1024).fill(2);
        assert.equal(await ext.sum(transfer(array, [array.buffer])), 2048);
        assert.equal(array.byteLength, 0, 'the host’s buffer was detached by the transfer');
        const returned = (await ext.makeBuffer(8)) as Float64Array;
        assert.deepEqual([...returned], [1, 1, 1, 1, 1, 1, 1, 1]);
        const shared = new Float64Array(new SharedArrayBuffer(8 * 16));
        await ext.fill(shared, 7);
        assert.equal(shared[15], 7, 'the extension wrote into the host’s memory');
      });

      test('ext.sync calls block until the worker answers, errors included', () => {
        assert.equal(ext.sync.add(20, 22), 42);
        assert.throws(() => ext.sync.fail('sync failure'), (e: Error & { code: string }) => e instanceof RangeError && e.code === 'EBROKEN');
        assert.throws(() => ext.sync.nope(), { code: 'ENOMETHOD' });
        assert.throws(() => ext.sync.echo(() => 1), { code: 'EUNSERIALIZABLE' });
      });

      test('a synchronous call cannot call back into the blocked host', () => {
        assert.throws(() => ext.sync.syncReentry(), { code: 'ESYNCREENTRY' });
      });
    } else {
      test('advanced serialization keeps Buffers, Maps, Sets, BigInts, Dates and typed arrays', async () => {
        const value = { map: new Map([['a', 1n]]), set: new Set([1, 2]), buffer: Buffer.from('hi'), floats: new Float32Array([1.5]), date: new Date(0) };
        const echoed = (await ext.echo(value)) as typeof value;
        assert.deepEqual(echoed.map, value.map);
        assert.deepEqual(echoed.set, value.set);
        assert.equal(Buffer.from(echoed.buffer).toString(), 'hi');
        assert.deepEqual(echoed.floats, value.floats);
        assert.deepEqual(echoed.date, value.date);
      });

      test('ext.sync needs a worker', () => {
        assert.throws(() => ext.sync.add(1, 2), { code: 'ESYNCUNSUPPORTED' });
      });
    }
  });
}

test('a manager-wide default timeout applies to calls that set none', async () => {
  const manager = new ExtensionManager({ root: extensionsRoot, defaultTimeoutMs: 30 });
  try {
    const ext = await manager.load<Toolbox>({ name: 'default-timeout', path: 'toolbox' });
    await assert.rejects(ext.delayed(60_000, 'late'), { code: 'ETIMEDOUT' });
    assert.equal(await ext.delayed(0, 'ok', callOptions({ timeoutMs: 0 })), 'ok');
  } finally {
    await manager.stopAll();
  }
});
