import { setTimeout as delay } from 'node:timers/promises';
import { MultiverseError } from '../errors';
import type { CallOptions } from '../rpc/call-options';
import { RpcPeer } from '../rpc/peer';
import type { WireError } from '../rpc/protocol';
import { fromWireError } from '../rpc/wire-error';
import type { BootInit } from './child/boot';
import { ExtensionError } from './extension-error';
import { launch, readablePaths, type Launched } from './launch';
import type { ExtensionSpec } from './load-options';
import { OutputTail } from './output-tail';
import type { PermissionReport } from './permission-report';

export type RunnerState = 'starting' | 'running' | 'stopping' | 'exited';

export interface RunnerHooks {
  resolveTarget(name: string): object | undefined;
  onLog(stream: 'stdout' | 'stderr', line: string): void;
  /** The extension is gone; `error` is undefined when it was stopped on purpose. */
  onExit(error: ExtensionError | undefined): void;
}

/** How long to wait for the last output after an extension exits (its streams end asynchronously). */
const OUTPUT_FLUSH_MS = 200;
const SYNC_DEFAULT_TIMEOUT_MS = 30_000;
const OOM = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY/;

/**
 * One run of an extension: a worker or a process from start to exit. A restart makes a new runner;
 * the manager's handles follow whichever runner is current.
 */
export class Runner {
  readonly peer: RpcPeer;
  state: RunnerState = 'starting';
  methods: readonly string[] = [];
  /** What the extension may do under the permission model, as it reported at start. */
  permissions: PermissionReport | undefined;
  readonly exited: Promise<ExtensionError | undefined>;
  private readonly launched: Launched;
  private readonly stdout: OutputTail;
  private readonly stderr: OutputTail;
  /** Why the extension is going down, when the runtime knows better than the exit code. */
  private reason: { code: string; message: string; cause?: unknown } | undefined;
  private readonly ready: Promise<void>;

  private constructor(
    readonly spec: ExtensionSpec,
    treeDir: string | undefined,
    hooks: RunnerHooks,
  ) {
    const init: BootInit = {
      name: spec.name,
      entry: spec.entry,
      directory: spec.directory,
      treeDir,
      apiNames: Object.keys(spec.apis),
      callTimeoutMs: spec.limits.callTimeoutMs,
      inspect: spec.isolation === 'worker' ? spec.inspect : undefined,
      permissionPaths: spec.permissions === undefined ? undefined : { fsRead: readablePaths(spec, treeDir), fsWrite: spec.permissions.fsWrite ?? [] },
    };
    this.launched = launch(spec, init);
    this.stdout = new OutputTail(this.launched.stdout, (line) => hooks.onLog('stdout', line));
    this.stderr = new OutputTail(this.launched.stderr, (line) => hooks.onLog('stderr', line));
    let markReady!: () => void;
    let failStart!: (error: ExtensionError) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    this.peer = new RpcPeer(this.launched.transport, {
      remoteName: `extension "${spec.name}"`,
      defaultTimeoutMs: spec.limits.callTimeoutMs,
      resolveTarget: hooks.resolveTarget,
      onControl: (type, data) => {
        if (type === 'ready' && this.state === 'starting') {
          this.state = 'running';
          ({ methods: this.methods, permissions: this.permissions } = data as { methods: string[]; permissions?: PermissionReport });
          markReady();
        } else if (type === 'failed') {
          const cause = fromWireError(data as WireError, `extension "${spec.name}"`);
          this.reason = { code: 'EEXTENSIONLOAD', message: `Extension "${spec.name}" failed to load: ${cause.name}: ${cause.message}`, cause };
          this.launched.kill();
        }
      },
    });
    this.exited = new Promise((resolve) => {
      this.launched.onGone((exit) => {
        void this.finish(exit).then((error) => {
          // No effect once the extension reported ready.
          failStart(error ?? this.error('EEXTENSIONSTOPPED', `Extension "${spec.name}" was stopped while starting`));
          hooks.onExit(error);
          resolve(error);
        });
      });
    });
    // `ready` may reject after a successful start (nobody awaits it then); that is not an unhandled error.
    this.ready.catch(() => undefined);
  }

  /** Starts the extension and resolves once it reported ready; rejects with an ExtensionError otherwise. */
  static async start(spec: ExtensionSpec, treeDir: string | undefined, hooks: RunnerHooks): Promise<Runner> {
    const runner = new Runner(spec, treeDir, hooks);
    const timer = setTimeout(() => {
      runner.reason = { code: 'EEXTENSIONSTART', message: `Extension "${spec.name}" did not finish loading within ${spec.limits.startTimeoutMs} ms` };
      runner.launched.kill();
    }, spec.limits.startTimeoutMs);
    try {
      await runner.ready;
      return runner;
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.launched.pid;
  }

  get threadId(): number | undefined {
    return this.launched.threadId;
  }

  call(method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown> {
    return this.peer.call('', method, args, options);
  }

  callSync(method: string, args: unknown[]): unknown {
    if (this.launched.sync === undefined) {
      throw new MultiverseError('ESYNCUNSUPPORTED', `ext.sync.${method}() needs isolation "worker": a process extension cannot be waited on synchronously. Use await ext.${method}().`);
    }
    if (this.state !== 'running') throw this.error('EEXTENSIONSTOPPED', `Extension "${this.spec.name}" is not running (${this.state})`);
    return this.launched.sync.call(method, args, this.spec.limits.callTimeoutMs > 0 ? this.spec.limits.callTimeoutMs : SYNC_DEFAULT_TIMEOUT_MS);
  }

  /** Asks the extension to stop (its `stop()` hook runs), and kills it if it has not exited after `stopTimeoutMs`. */
  async stop(): Promise<void> {
    if (this.state === 'exited') return;
    this.state = 'stopping';
    try {
      this.peer.control('stop', null);
    } catch {
      this.launched.kill();
    }
    const timer = setTimeout(() => this.launched.kill(), this.spec.limits.stopTimeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines the extension wrote to stderr. */
  stderrTail(): string {
    return this.stderr.tail();
  }

  private async finish(exit: { code: number | null; signal: string | null; error: Error | undefined }): Promise<ExtensionError | undefined> {
    await Promise.race([Promise.all([this.stdout.ended, this.stderr.ended]), delay(OUTPUT_FLUSH_MS)]);
    const stopping = this.state === 'stopping';
    this.state = 'exited';
    const error = stopping && this.reason === undefined ? undefined : this.describeExit(exit);
    this.peer.close(error ?? this.error('EEXTENSIONSTOPPED', `Extension "${this.spec.name}" was stopped`));
    return error;
  }

  private describeExit(exit: { code: number | null; signal: string | null; error: Error | undefined }): ExtensionError {
    const name = this.spec.name;
    const details = { exitCode: exit.code, signal: exit.signal };
    if (this.reason !== undefined) return this.error(this.reason.code, this.reason.message, { ...details, cause: this.reason.cause ?? exit.error });
    const stderr = this.stderr.tail();
    const errorCode = (exit.error as { code?: unknown } | undefined)?.code;
    if (errorCode === 'ERR_WORKER_OUT_OF_MEMORY' || OOM.test(stderr)) {
      const limit = this.spec.limits.memoryMb > 0 ? ` (limits.memoryMb: ${this.spec.limits.memoryMb})` : '';
      return this.error('EEXTENSIONOOM', `Extension "${name}" ran out of memory${limit}`, { ...details, cause: exit.error });
    }
    if (exit.error !== undefined) return this.error('EEXTENSIONCRASH', `Extension "${name}" crashed: ${exit.error.message}`, { ...details, cause: exit.error });
    if (exit.signal !== null) return this.error('EEXTENSIONKILLED', `Extension "${name}" was killed by ${exit.signal}`, details);
    return this.error('EEXTENSIONEXIT', `Extension "${name}" exited with code ${String(exit.code)}`, details);
  }

  private error(code: string, message: string, details: { exitCode?: number | null; signal?: string | null; cause?: unknown } = {}): ExtensionError {
    return new ExtensionError(code, `${message}.`, { extension: this.spec.name, stderr: this.stderr.tail(), ...details });
  }
}
