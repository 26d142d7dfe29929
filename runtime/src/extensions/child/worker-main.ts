import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { markExited, serveSyncCalls } from '../../rpc/sync-call';
import { workerTransport } from '../../rpc/worker-transport';
import { boot, type BootInit } from './boot';

/** Entry point of a worker extension. */
interface WorkerInit extends BootInit {
  syncPort: MessagePort;
  syncState: SharedArrayBuffer;
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('worker-main.js runs only as a worker started by ExtensionManager.');
const transport = workerTransport(port);

// A host blocked in a synchronous call cannot see the 'exit' event; tell it through shared memory.
process.on('exit', (code) => markExited(init.syncState, code));

function start(): void {
  const peer = boot(init, transport, (code) => process.exit(code));
  serveSyncCalls(init.syncPort, init.syncState, peer);
}

if (init.inspect === undefined) {
  start();
} else {
  // A worker shares the process's inspector flags, so it opens its own inspector, before the
  // extension loads so that its start-up can be debugged too. Loaded only when asked for.
  const inspectPort = init.inspect;
  void import('node:inspector').then((inspector) => {
    inspector.open(inspectPort, '127.0.0.1');
    start();
  });
}
