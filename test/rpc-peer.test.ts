import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as PeerModule from '../runtime/dist/rpc/peer';
import type * as TransportModule from '../runtime/dist/rpc/worker-transport';
import { eventually } from './support/extensions';
import { repoRoot } from './support/paths';

// Internal modules, not in the package's exports map: loaded from the build by path.
const load = createRequire(__filename);
const { RpcPeer } = load(path.join(repoRoot, 'runtime', 'dist', 'rpc', 'peer.js')) as typeof PeerModule;
const { workerTransport } = load(path.join(repoRoot, 'runtime', 'dist', 'rpc', 'worker-transport.js')) as typeof TransportModule;

// The RPC core on its own: two peers over a MessageChannel in this thread.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const channel = new MessageChannel();
after(() => {
  channel.port1.close();
  channel.port2.close();
});
const service = {
  run: (fn: (x: number) => Promise<number>, x: number) => fn(x),
  keepNothing: (options: { onData: () => void; label: string }) => options.label,
  thrower: () => {
    throw 'a string, not an Error';
  },
};
const a = new RpcPeer(workerTransport(channel.port1), { remoteName: 'b', resolveTarget: () => undefined });
const b = new RpcPeer(workerTransport(channel.port2), { remoteName: 'a', resolveTarget: (name) => (name === '' ? service : undefined) });

test('a function lent to the other side is released once its proxy is collected', async () => {
  for (let i = 0; i < 10; i++) assert.equal(await a.call('', 'run', [(x: number) => x * 2, i]), i * 2);
  await eventually('all ten lent functions are released', () => {
    gc();
    return a.stats.lent === 0;
  });
});

test('functions nested in plain objects cross, and the caller’s objects are left untouched', async () => {
  const options = { onData: () => undefined, label: 'nested' };
  assert.equal(await a.call('', 'keepNothing', [options]), 'nested');
  assert.equal(typeof options.onData, 'function');
});

test('a thrown non-error arrives as an Error that says what was thrown', async () => {
  await assert.rejects(a.call('', 'thrower', []), /Non-error value thrown: "a string, not an Error"/);
});

test('closing a peer rejects its pending calls and refuses new ones with the same error', async () => {
  const other = new MessageChannel();
  const lonely = new RpcPeer(workerTransport(other.port1), { remoteName: 'nobody', resolveTarget: () => undefined });
  const pending = lonely.call('', 'anything', []);
  const gone = new Error('gone');
  lonely.close(gone);
  await assert.rejects(pending, gone);
  await assert.rejects(lonely.call('', 'anything', []), gone);
  other.port1.close();
  assert.deepEqual(b.stats, { pending: 0, lent: 0, running: 0 });
});
