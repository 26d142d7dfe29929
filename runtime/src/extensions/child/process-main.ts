import { processTransport } from '../../rpc/process-transport';
import { boot, type BootInit } from './boot';

/** Entry point of a process extension: forked with an IPC channel and advanced serialization. */
if (process.send === undefined || process.argv[2] === undefined) throw new Error('process-main.js runs only as a child forked by ExtensionManager.');
const init = JSON.parse(process.argv[2]) as BootInit;
// The host went away (or dropped us): nobody can call this extension any more.
process.on('disconnect', () => process.exit(0));
boot(init, processTransport(process), (code) => process.exit(code));
