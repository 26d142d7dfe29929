import { createServer } from 'node:net';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { formatResult } from '../model/call-arguments';
import { declaredExtensions, type DeclaredExtension, type Isolation } from '../model/declared-extensions';
import type { ExtensionRow } from '../model/extension-nodes';
import { residentMemory } from './process-memory';
import type { ExtensionManagerApi, RuntimeModule } from './runtime-api';
import { loadWorkspaceRuntime } from './workspace-runtime';

const CONFIG_FILE = 'multiverse.json';

/** A declared extension together with the folder whose multiverse.json declares it. */
export interface ExtensionTarget {
  folder: vscode.WorkspaceFolder;
  declared: DeclaredExtension;
}

interface FolderRuntime {
  runtime: RuntimeModule;
  manager: ExtensionManagerApi;
}

/**
 * Runs the extensions multiverse.json declares, inside the extension host, with the runtime's
 * ExtensionManager (one per workspace folder). Each extension gets its own output channel for its
 * stdout, stderr, exits and call results.
 */
export class IsolatedExtensions {
  private readonly runtimes = new Map<string, FolderRuntime>();
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the declarations or any extension's state change. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`);
    ctx.register(
      this.changed,
      watcher,
      watcher.onDidChange(() => this.changed.fire()),
      watcher.onDidCreate(() => this.changed.fire()),
      watcher.onDidDelete(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('multiverse.extensions.defaultIsolation')) this.changed.fire();
      }),
      { dispose: () => this.channels.forEach((channel) => channel.dispose()) },
    );
    ctx.onShutdown(() => this.stopAll());
  }

  /** Extensions declared in each workspace folder's multiverse.json (folders without one are left out). */
  async declared(): Promise<ExtensionTarget[]> {
    const targets: ExtensionTarget[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // A resource setting: each folder may choose its own default.
      const isolation = vscode.workspace.getConfiguration('multiverse', folder.uri).get<Isolation>('extensions.defaultIsolation', 'worker');
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, CONFIG_FILE)));
      } catch {
        continue;
      }
      for (const declared of declaredExtensions(text, isolation)) targets.push({ folder, declared });
    }
    return targets;
  }

  /** What the view shows: every declared extension with its current run, if any. */
  async rows(): Promise<ExtensionRow[]> {
    return Promise.all(
      (await this.declared()).map(async ({ folder, declared }): Promise<ExtensionRow> => {
        const running = this.runtimes.get(folder.uri.toString())?.manager.list().find((e) => e.name === declared.name);
        const rssBytes = running?.isolation === 'process' && running.pid !== undefined && running.state === 'running' ? await residentMemory(running.pid) : undefined;
        return { folder: folder.uri.toString(), declared, running, rssBytes };
      }),
    );
  }

  isRunning(target: ExtensionTarget): boolean {
    const state = this.find(target)?.state;
    return state === 'running' || state === 'starting' || state === 'restarting';
  }

  /** Starts an extension (installing its dependencies first) with cancellable progress; resolves false when cancelled. */
  async start(target: ExtensionTarget, options: { inspect?: number } = {}): Promise<boolean> {
    const { manager } = this.runtimeFor(target.folder);
    const { name } = target.declared;
    const channel = this.channel(target.folder, target.declared.name);
    channel.appendLine(`Starting ${name} (${target.declared.isolation}) from ${target.declared.path}${options.inspect === undefined ? '' : ` with the inspector on port ${options.inspect}`}`);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting isolated extension ${name}`, cancellable: true }, async (progress, token) => {
      const onProgress = (event: { name: string; phase: string; message?: string }): void => {
        if (event.name === name) progress.report({ message: event.message ?? event.phase });
      };
      manager.on('progress', onProgress);
      try {
        await manager.load({ name, path: target.declared.path, isolation: target.declared.isolation, dependencies: target.declared.dependencies, inspect: options.inspect });
      } catch (error) {
        throw this.failure(target, `starting ${name}`, error);
      } finally {
        manager.off('progress', onProgress);
        this.changed.fire();
      }
      // Loading cannot be interrupted halfway (npm and the extension's start hook are under way), so a
      // cancel stops the extension as soon as it is up.
      if (token.isCancellationRequested) {
        await manager.stop(name);
        channel.appendLine(`Start of ${name} cancelled; stopped it again.`);
        this.changed.fire();
        return false;
      }
      channel.appendLine(`${name} is running; methods: ${this.find(target)?.methods.join(', ') || '(none)'}`);
      return true;
    });
  }

  async stop(target: ExtensionTarget): Promise<void> {
    const { manager } = this.runtimeFor(target.folder);
    try {
      await manager.stop(target.declared.name);
      this.channel(target.folder, target.declared.name).appendLine(`Stopped ${target.declared.name}.`);
    } catch (error) {
      throw this.failure(target, `stopping ${target.declared.name}`, error);
    } finally {
      this.changed.fire();
    }
  }

  async restart(target: ExtensionTarget): Promise<void> {
    const { manager } = this.runtimeFor(target.folder);
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restarting isolated extension ${target.declared.name}` }, () => manager.restart(target.declared.name));
      this.channel(target.folder, target.declared.name).appendLine(`Restarted ${target.declared.name}.`);
    } catch (error) {
      throw this.failure(target, `restarting ${target.declared.name}`, error);
    } finally {
      this.changed.fire();
    }
  }

  /** The methods of a running extension. */
  methods(target: ExtensionTarget): readonly string[] {
    return this.find(target)?.methods ?? [];
  }

  /** Calls a method with cancellable progress, logging the call and its outcome to the extension's channel. */
  async call(target: ExtensionTarget, method: string, args: unknown[]): Promise<unknown> {
    const { runtime, manager } = this.runtimeFor(target.folder);
    const { name } = target.declared;
    const channel = this.channel(target.folder, target.declared.name);
    channel.appendLine(`> ${method}(${args.map((a) => formatResult(a)).join(', ')})`);
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Calling ${name}.${method}()`, cancellable: true }, (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort(new Error(`${name}.${method}() cancelled from the editor`)));
        return manager.call(name, method, args, runtime.callOptions({ signal: controller.signal }));
      });
      channel.appendLine(`< ${formatResult(result)}`);
      return result;
    } catch (error) {
      throw this.failure(target, `calling ${name}.${method}()`, error);
    } finally {
      this.changed.fire();
    }
  }

  /** Restarts a process extension under the inspector and attaches VS Code's Node debugger to it. */
  async attachDebugger(target: ExtensionTarget): Promise<void> {
    const port = await freePort();
    if (this.find(target) !== undefined) await this.stop(target);
    if (!(await this.start(target, { inspect: port }))) return;
    const attached = await vscode.debug.startDebugging(target.folder, {
      type: 'node',
      request: 'attach',
      name: `Multiverse: ${target.declared.name}`,
      address: '127.0.0.1',
      port,
    });
    if (!attached) throw new Error(`VS Code could not attach its debugger to ${target.declared.name} on 127.0.0.1:${port}.`);
  }

  showLogs(target: ExtensionTarget): void {
    this.channel(target.folder, target.declared.name).show(true);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map(({ manager }) => manager.stopAll()));
  }

  private find(target: ExtensionTarget): ReturnType<ExtensionManagerApi['list']>[number] | undefined {
    return this.runtimes.get(target.folder.uri.toString())?.manager.list().find((e) => e.name === target.declared.name);
  }

  private runtimeFor(folder: vscode.WorkspaceFolder): FolderRuntime {
    if (!this.ctx.trusted) throw new Error('Running isolated extensions is disabled in Restricted Mode: trust the workspace to enable it.');
    const key = folder.uri.toString();
    const existing = this.runtimes.get(key);
    if (existing) return existing;
    const runtime = loadWorkspaceRuntime(folder.uri.fsPath);
    const manager = new runtime.ExtensionManager({ root: folder.uri.fsPath });
    const channelOf = (name: string): vscode.OutputChannel => this.channel(folder, name);
    manager.on('log', ({ name, stream, line }) => channelOf(name).appendLine(stream === 'stderr' ? `[stderr] ${line}` : line));
    manager.on('exit', ({ name, error }) => {
      channelOf(name).appendLine(error === undefined ? `${name} exited.` : `${name} exited: ${error.message}`);
      this.changed.fire();
    });
    manager.on('restart', ({ name, reason }) => {
      channelOf(name).appendLine(`${name} restarted (${reason}).`);
      this.changed.fire();
    });
    const created = { runtime, manager };
    this.runtimes.set(key, created);
    return created;
  }

  private channel(folder: vscode.WorkspaceFolder, name: string): vscode.OutputChannel {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const title = `Multiverse: ${name}${multiRoot ? ` (${folder.name})` : ''}`;
    let channel = this.channels.get(title);
    if (!channel) {
      channel = vscode.window.createOutputChannel(title);
      this.channels.set(title, channel);
    }
    return channel;
  }

  /** Logs a failure to the extension's channel and returns an error that names what was being done. */
  private failure(target: ExtensionTarget, doing: string, error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    this.channel(target.folder, target.declared.name).appendLine(`! ${doing} failed: ${typeof code === 'string' ? `${code}: ` : ''}${message}`);
    if (error instanceof Error && error.stack) this.channel(target.folder, target.declared.name).appendLine(error.stack);
    return new Error(`${doing} failed: ${message}`, { cause: error });
  }
}

/** A TCP port nobody listens on right now, for the inspector. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('could not find a free port for the inspector'))));
    });
  });
}
