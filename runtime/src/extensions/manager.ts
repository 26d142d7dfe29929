import { EventEmitter } from 'node:events';
import type { FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InputError, MultiverseError } from '../errors';
import type { CallOptions } from '../rpc/call-options';
import type { InstallTreeOptions } from '../install/tree';
import type { ProgressEvent } from '../install/progress';
import { ExtensionError } from './extension-error';
import type { RemoteObject } from './remote-object';
import { createHandle, type ExtensionHandle } from './handle';
import { normalizeLoadOptions, type ExtensionSpec, type Isolation, type LoadOptions } from './load-options';
import type { PermissionReport } from './permission-report';
import { hostSingleton, ProxiedSingleton, singletonKey, type SingletonClass } from './proxied-singleton';
import { Runner } from './runner';
import { extensionTreeDir } from './tree-dir';
import { watchDirectory } from './watch';

export interface ExtensionManagerOptions {
  /** The project root: extension paths are relative to it and must stay inside it. */
  root: string;
  /** Timeout of every call that sets none, unless the extension's `limits.callTimeoutMs` does (default: none). */
  defaultTimeoutMs?: number;
  /**
   * Installs an extension's `dependencies` into its own tree. Defaults to the project installer
   * (`installTree`: arborist, the project's .npmrc, the shared store, skipped when the fingerprint matches).
   */
  installTree?: (options: InstallTreeOptions) => Promise<unknown>;
}

export type ExtensionState = 'starting' | 'running' | 'restarting' | 'crashed' | 'stopped';

export interface ExtensionInfo {
  name: string;
  isolation: Isolation;
  entry: string;
  state: ExtensionState;
  /** The process running it (the host's own pid for a worker). */
  pid: number | undefined;
  threadId: number | undefined;
  methods: readonly string[];
  restarts: number;
  /** Calls from the host to the extension that have not settled. */
  pendingCalls: number;
  /** Host functions the extension still holds a proxy for. */
  lentFunctions: number;
  lastError: { code: string; message: string } | undefined;
  /** A process extension under `permissions`: what Node lets it do, as its own process answers. */
  permissions: PermissionReport | undefined;
}

export interface ExtensionLogEvent {
  name: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface ExtensionExitEvent {
  name: string;
  /** Undefined when the extension was stopped on purpose. */
  error: ExtensionError | undefined;
}

/** Progress of installing an extension's dependencies. */
export interface ExtensionProgressEvent extends ProgressEvent {
  name: string;
}

export interface ExtensionRestartEvent {
  name: string;
  reason: 'manual' | 'crash' | 'watch';
}

/** One loaded extension across its runs. Handles point here, so they survive restarts. */
interface Extension {
  spec: ExtensionSpec;
  treeDir: string | undefined;
  runner: Runner | undefined;
  /** Set while a (re)start is under way; calls made meanwhile wait for it. */
  starting: Promise<Runner> | undefined;
  state: ExtensionState;
  restartTimes: number[];
  restarts: number;
  watcher: FSWatcher | undefined;
  lastError: ExtensionError | undefined;
}

/**
 * Runs extensions in workers or child processes and hands out handles to call them. Lifecycle lives
 * here rather than on handles, because every property of a handle is a remote method.
 *
 * Events: `log` (ExtensionLogEvent), `exit` (ExtensionExitEvent), `restart` (ExtensionRestartEvent),
 * `progress` (ExtensionProgressEvent, while dependencies install).
 */
export class ExtensionManager extends EventEmitter {
  readonly root: string;
  private readonly defaultTimeoutMs: number;
  private readonly install: (options: InstallTreeOptions) => Promise<unknown>;
  private readonly extensions = new Map<string, Extension>();
  private readonly singletonClasses = new Map<string, SingletonClass>();

  constructor(options: ExtensionManagerOptions) {
    super();
    if (typeof options?.root !== 'string') throw new InputError('EINVALIDOPTIONS', 'new ExtensionManager() needs { root }: the project directory.');
    this.root = path.resolve(options.root);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 0;
    // Loaded on first use: the installer pulls in arborist, which extensions without dependencies never need.
    this.install = options.installTree ?? (async (install) => (await import('../install/tree.js')).installTree(install));
  }

  /** Validates the options, installs the extension's dependencies, starts it and resolves once it is ready. */
  async load<T = RemoteObject>(options: LoadOptions): Promise<ExtensionHandle<T>> {
    const spec = normalizeLoadOptions(this.root, options, this.defaultTimeoutMs);
    if (this.extensions.has(spec.name)) throw new InputError('EEXTENSIONEXISTS', `An extension named "${spec.name}" is already loaded; stop it first or restart it.`);
    for (const api of Object.values(spec.apis)) if (isSingletonClass(api)) this.singletonClasses.set(singletonKey(api), api);
    const extension: Extension = { spec, treeDir: undefined, runner: undefined, starting: undefined, state: 'starting', restartTimes: [], restarts: 0, watcher: undefined, lastError: undefined };
    this.extensions.set(spec.name, extension);
    try {
      extension.treeDir = await this.installDependencies(spec);
      this.assertStillLoaded(extension);
      const runner = await this.start(extension);
      if (this.extensions.get(spec.name) !== extension) {
        await runner.stop();
        this.assertStillLoaded(extension);
      }
    } catch (error) {
      if (this.extensions.get(spec.name) === extension) this.extensions.delete(spec.name);
      throw error;
    }
    if (spec.watch) extension.watcher = watchDirectory(spec.directory, () => void this.restartQuietly(extension, 'watch'));
    return this.handleFor<T>(extension);
  }

  /**
   * Loads an extension declared under "extensions" in the root's multiverse.json (path, isolation,
   * dependencies), with `options` for what the file does not declare (apis, limits, watch...).
   */
  async loadDeclared<T = RemoteObject>(name: string, options: Omit<LoadOptions, 'name' | 'path' | 'isolation' | 'dependencies'> = {}): Promise<ExtensionHandle<T>> {
    // Loaded on first use, like the installer: the config reader pulls in its JSON schema validator.
    const config = await (await import('../config/index.js')).readConfig(this.root);
    if (config === null) throw new InputError('ENOCONFIG', `no multiverse.json in ${this.root}; declare extensions under "extensions" there.`);
    const declared = config.extensions[name];
    if (declared === undefined) {
      const names = Object.keys(config.extensions);
      throw new InputError('ENOTDECLARED', `no extension "${name}" in ${config.file}; declared: ${names.length === 0 ? '(none)' : names.join(', ')}.`);
    }
    return this.load<T>({ ...options, name, path: declared.path, isolation: declared.isolation, dependencies: declared.dependencies });
  }

  /** Stops an extension: its `stop()` hook runs, then it exits (or is killed after `limits.stopTimeoutMs`). */
  async stop(name: string): Promise<void> {
    const extension = this.get(name);
    this.extensions.delete(name);
    extension.watcher?.close();
    extension.state = 'stopped';
    const runner = extension.runner ?? (await extension.starting?.catch(() => undefined));
    extension.runner = undefined;
    await runner?.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.extensions.keys()].map((name) => this.stop(name)));
  }

  /** Stops and starts an extension again. Resolves to a new handle; existing handles follow the new run too. */
  async restart<T = RemoteObject>(name: string): Promise<ExtensionHandle<T>> {
    const extension = this.get(name);
    await this.relaunch(extension, 'manual');
    return this.handleFor<T>(extension);
  }

  list(): ExtensionInfo[] {
    return [...this.extensions.values()].map((extension) => {
      const runner = extension.runner;
      const stats = runner?.peer.stats;
      return {
        name: extension.spec.name,
        isolation: extension.spec.isolation,
        entry: extension.spec.entry,
        state: extension.state,
        pid: runner?.pid,
        threadId: runner?.threadId,
        methods: runner?.methods ?? [],
        restarts: extension.restarts,
        pendingCalls: stats?.pending ?? 0,
        lentFunctions: stats?.lent ?? 0,
        lastError: extension.lastError === undefined ? undefined : { code: extension.lastError.code, message: extension.lastError.message },
        permissions: runner?.permissions,
      };
    });
  }

  /** The last lines the extension's current run wrote to stderr. */
  stderr(name: string): string {
    return this.get(name).runner?.stderrTail() ?? '';
  }

  /** Calls a method by name: the same as `handle[method](...args)`, for callers that have a name, not a handle. */
  call(name: string, method: string, args: unknown[] = [], options?: CallOptions): Promise<unknown> {
    const extension = this.extensions.get(name);
    if (extension === undefined) return Promise.reject(notLoaded(name));
    return this.callExtension(extension, method, args, options);
  }

  private handleFor<T>(extension: Extension): ExtensionHandle<T> {
    return createHandle<T>({
      call: (method, args, options) => this.callExtension(extension, method, args, options),
      callSync: (method, args) => {
        if (extension.runner === undefined) throw new ExtensionError('EEXTENSIONSTOPPED', `Extension "${extension.spec.name}" is not running (${extension.state}).`, { extension: extension.spec.name });
        return extension.runner.callSync(method, args);
      },
    });
  }

  private callExtension(extension: Extension, method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown> {
    const runner = extension.runner;
    if (runner !== undefined && extension.starting === undefined) return runner.call(method, args, options);
    return this.callWhenStarted(extension, method, args, options);
  }

  private async callWhenStarted(extension: Extension, method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown> {
    const runner = extension.starting === undefined ? extension.runner : await extension.starting;
    if (runner === undefined) {
      const stopped = new ExtensionError('EEXTENSIONSTOPPED', `Extension "${extension.spec.name}" was stopped; load it again to call ${method}().`, { extension: extension.spec.name });
      // A crash explains a failed restart; after stop(), "stopped" is the news.
      throw extension.state === 'stopped' ? stopped : (extension.lastError ?? stopped);
    }
    return runner.call(method, args, options);
  }

  /** Starts a run; calls made meanwhile (through handles or `call`) wait for it. */
  private start(extension: Extension, before?: () => Promise<void>): Promise<Runner> {
    const starting = (async () => {
      await before?.();
      let runner: Runner | undefined;
      try {
        runner = await Runner.start(extension.spec, extension.treeDir, {
          resolveTarget: (target) => this.resolveTarget(extension.spec, target),
          onLog: (stream, line) => this.emit('log', { name: extension.spec.name, stream, line } satisfies ExtensionLogEvent),
          onExit: (error) => this.onExit(extension, runner, error),
        });
      } catch (error) {
        if (error instanceof ExtensionError) extension.lastError = error;
        extension.state = 'crashed';
        throw error;
      }
      extension.runner = runner;
      extension.state = 'running';
      return runner;
    })();
    extension.starting = starting;
    const settled = (): void => {
      if (extension.starting === starting) extension.starting = undefined;
    };
    starting.then(settled, settled);
    return starting;
  }

  private onExit(extension: Extension, runner: Runner | undefined, error: ExtensionError | undefined): void {
    this.emit('exit', { name: extension.spec.name, error } satisfies ExtensionExitEvent);
    // Only the current, running run matters; a failed start is reported by start() itself.
    if (error === undefined || runner === undefined || extension.runner !== runner) return;
    extension.lastError = error;
    extension.state = 'crashed';
    const policy = extension.spec.restart;
    if (policy === undefined || !this.extensions.has(extension.spec.name)) return;
    const now = Date.now();
    extension.restartTimes = extension.restartTimes.filter((t) => now - t < policy.windowMs);
    if (extension.restartTimes.length >= policy.maxRestarts) return;
    extension.restartTimes.push(now);
    this.relaunch(extension, 'crash', policy.delayMs).catch(() => undefined);
  }

  /** Stops the current run (if any) and starts a new one after `delayMs`. */
  private async relaunch(extension: Extension, reason: ExtensionRestartEvent['reason'], delayMs = 0): Promise<Runner> {
    // One (re)start at a time: a restart asked for during another (a file saved during a manual
    // restart) waits for it and then replaces its run, so no run is left behind unowned.
    while (extension.starting !== undefined) await extension.starting.catch(() => undefined);
    const previous = extension.runner;
    extension.runner = undefined;
    extension.state = 'restarting';
    const runner = await this.start(extension, async () => {
      await previous?.stop();
      if (delayMs > 0) await delay(delayMs);
      if (!this.extensions.has(extension.spec.name)) throw notLoaded(extension.spec.name);
      extension.restarts += 1;
    });
    this.emit('restart', { name: extension.spec.name, reason } satisfies ExtensionRestartEvent);
    return runner;
  }

  /** For watch mode: a failed restart (a syntax error mid-edit) is reported through `exit`/`lastError`, not thrown. */
  private async restartQuietly(extension: Extension, reason: ExtensionRestartEvent['reason']): Promise<void> {
    try {
      await this.relaunch(extension, reason);
    } catch (error) {
      if (error instanceof ExtensionError) this.emit('exit', { name: extension.spec.name, error } satisfies ExtensionExitEvent);
    }
  }

  /** What an extension may call on the host: its `apis` and registered singletons. */
  private resolveTarget(spec: ExtensionSpec, target: string): object | undefined {
    if (target.startsWith('api:')) {
      const api = spec.apis[target.slice(4)];
      return isSingletonClass(api) ? api.instance() : api;
    }
    if (target.startsWith('singleton:')) {
      const key = target.slice('singleton:'.length);
      const instance = hostSingleton(key) ?? this.singletonClasses.get(key)?.instance();
      if (instance === undefined) {
        throw new MultiverseError('ENOSINGLETON', `Extension "${spec.name}" asked for the singleton ${key}, which the host has not created: call ${key}.instance() in the host, or pass the class in apis.`);
      }
      return instance;
    }
    return undefined;
  }

  /** `stop()` may run while `load()` installs or starts; the load then fails instead of leaving a run behind. */
  private assertStillLoaded(extension: Extension): void {
    if (this.extensions.get(extension.spec.name) !== extension) {
      throw new ExtensionError('EEXTENSIONSTOPPED', `Extension "${extension.spec.name}" was stopped while loading.`, { extension: extension.spec.name });
    }
  }

  private async installDependencies(spec: ExtensionSpec): Promise<string | undefined> {
    if (Object.keys(spec.dependencies).length === 0) return undefined;
    const dir = extensionTreeDir(this.root, spec.name);
    await this.install({
      dir,
      dependencies: spec.dependencies,
      projectDir: this.root,
      label: `extension "${spec.name}"`,
      onProgress: (event) => this.emit('progress', { name: spec.name, ...event } satisfies ExtensionProgressEvent),
    });
    return dir;
  }

  private get(name: string): Extension {
    const extension = this.extensions.get(name);
    if (extension === undefined) throw notLoaded(name);
    return extension;
  }
}

function notLoaded(name: string): InputError {
  return new InputError('ENOTLOADED', `No extension named ${JSON.stringify(name)} is loaded.`);
}

function isSingletonClass(value: unknown): value is SingletonClass {
  return typeof value === 'function' && value.prototype instanceof ProxiedSingleton;
}
