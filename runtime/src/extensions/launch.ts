import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { MessageChannel, Worker } from 'node:worker_threads';
import { nodeFeatures, type PermissionScope } from '../node-features';
import { SYNC_STATE_BYTES, SyncCaller } from '../rpc/sync-call';
import { processTransport } from '../rpc/process-transport';
import type { Transport } from '../rpc/transport';
import { workerTransport } from '../rpc/worker-transport';
import type { BootInit } from './child/boot';
import { ExtensionError } from './extension-error';
import type { ExtensionSpec } from './load-options';

const childDir = path.join(__dirname, 'child');
/** The one-file build of an entry point when the repository build made it (it starts faster), else the tsc output. */
const entryPoint = (name: string): string => {
  const bundled = path.join(childDir, `${name}.bundle.js`);
  return existsSync(bundled) ? bundled : path.join(childDir, `${name}.js`);
};
const workerMain = entryPoint('worker-main');
const processMain = entryPoint('process-main');
/** The built runtime (dist/): a process extension under permissions must be able to read it. */
const runtimeDir = path.join(__dirname, '..');

/** A started worker or process, reduced to what the runner needs, whatever the isolation. */
export interface Launched {
  transport: Transport;
  pid: number | undefined;
  threadId: number | undefined;
  stdout: Readable | null;
  stderr: Readable | null;
  sync: SyncCaller | undefined;
  kill(): void;
  /** Calls back once, when the extension is gone (its last output may still be in flight). */
  onGone(callback: (exit: { code: number | null; signal: string | null; error: Error | undefined }) => void): void;
}

export function launch(spec: ExtensionSpec, init: BootInit): Launched {
  return spec.isolation === 'worker' ? launchWorker(spec, init) : launchProcess(spec, init);
}

function launchWorker(spec: ExtensionSpec, init: BootInit): Launched {
  const { port1, port2 } = new MessageChannel();
  const syncState = new SharedArrayBuffer(SYNC_STATE_BYTES);
  const worker = new Worker(workerMain, {
    workerData: { ...init, syncPort: port2, syncState },
    transferList: [port2],
    // The default is a copy of the host's environment; only build one when there is something to add.
    env: Object.keys(spec.env).length === 0 ? undefined : { ...process.env, ...spec.env },
    // Do not inherit the host's flags (a test runner's, for instance).
    execArgv: [],
    resourceLimits: spec.limits.memoryMb > 0 ? { maxOldGenerationSizeMb: spec.limits.memoryMb } : undefined,
    stdout: true,
    stderr: true,
    name: `multiverse extension ${spec.name}`,
  });
  port1.unref();
  let error: Error | undefined;
  worker.on('error', (e) => {
    error ??= e;
  });
  return {
    transport: workerTransport(worker),
    pid: process.pid,
    threadId: worker.threadId,
    stdout: worker.stdout,
    stderr: worker.stderr,
    sync: new SyncCaller(
      port1,
      syncState,
      `extension "${spec.name}"`,
      (exitCode, method) => new ExtensionError('EEXTENSIONEXIT', `Extension "${spec.name}" exited with code ${exitCode} during the synchronous call ${method}().`, { extension: spec.name, exitCode }),
    ),
    kill: () => void worker.terminate(),
    onGone: (callback) => worker.once('exit', (code) => callback({ code, signal: null, error })),
  };
}

function launchProcess(spec: ExtensionSpec, init: BootInit): Launched {
  const child: ChildProcess = fork(processMain, [JSON.stringify(init)], {
    serialization: 'advanced',
    execArgv: processExecArgv(spec, init.treeDir),
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let error: Error | undefined;
  let gone: ((exit: { code: number | null; signal: string | null; error: Error | undefined }) => void) | undefined;
  child.on('error', (e) => {
    error ??= e;
    // A process that never spawned emits no 'exit'.
    if (child.pid === undefined) gone?.({ code: null, signal: null, error });
  });
  return {
    transport: processTransport(child),
    pid: child.pid,
    threadId: undefined,
    stdout: child.stdout,
    stderr: child.stderr,
    sync: undefined,
    kill: () => void child.kill('SIGKILL'),
    onGone: (callback) => {
      gone = callback;
      // Not 'close': a grandchild holding the inherited pipes open would delay it indefinitely. The
      // runner waits briefly for the output to drain instead.
      child.once('exit', (code, signal) => callback({ code, signal, error }));
    },
  };
}

/** Flags of a process extension: its own, never the host's. */
export function processExecArgv(spec: ExtensionSpec, treeDir: string | undefined): string[] {
  const argv: string[] = [];
  if (spec.limits.memoryMb > 0) argv.push(`--max-old-space-size=${spec.limits.memoryMb}`);
  if (spec.inspect !== undefined) argv.push(`--inspect=127.0.0.1:${spec.inspect}`);
  const permissions = spec.permissions;
  if (permissions !== undefined) {
    // The extension runs on this Node (fork uses process.execPath): its flags are this Node's.
    const model = nodeFeatures().permission;
    argv.push(model.flag);
    if (model.experimental) argv.push('--disable-warning=ExperimentalWarning');
    const grant = (scope: PermissionScope, value?: string): void => {
      const flag = model.grants.get(scope);
      if (flag !== undefined) argv.push(value === undefined ? flag : `${flag}=${value}`);
    };
    for (const dir of readablePaths(spec, treeDir)) grant('fs.read', dir);
    for (const dir of permissions.fsWrite ?? []) grant('fs.write', dir);
    if (permissions.childProcess === true) grant('child');
    if (permissions.worker === true) grant('worker');
    // The model turns the inspector off unless this Node can allow it (checked when the spec was made).
    if (spec.inspect !== undefined) grant('inspector');
  }
  return argv;
}

/** What a process extension under permissions may read: the runtime, its own directory and tree, and what it was granted. */
export function readablePaths(spec: ExtensionSpec, treeDir: string | undefined): string[] {
  return [runtimeDir, spec.directory, ...(treeDir === undefined ? [] : [treeDir]), ...(spec.permissions?.fsRead ?? [])];
}
