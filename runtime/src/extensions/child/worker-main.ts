import { open } from 'node:inspector';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveSyncCalls } from '../../rpc/sync-call';
import { workerTransport } from '../../rpc/worker-transport';
import { boot, type BootInit } from './boot';

/** Entry point of a worker extension. */
interface WorkerInit extends BootInit {
  syncPort: MessagePort;
  syncState: SharedArrayBuffer;
}

const init = workerData as WorkerInit;
if (parentPort === null) throw new Error('worker-main.js runs only as a worker started by ExtensionManager.');
// A worker shares the process's inspector flags, so it opens its own inspector instead.
if (init.inspect !== undefined) open(init.inspect, '127.0.0.1');
const peer = boot(init, workerTransport(parentPort), (code) => process.exit(code));
serveSyncCalls(init.syncPort, init.syncState, peer);
