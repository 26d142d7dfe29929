import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import type * as HostModule from '../../server/src/host';
import type * as ImportsModule from '../../server/src/imports';
import type * as ProjectNodeModule from '../../server/src/project-node';
import type * as ProtocolModule from '../../server/src/protocol';
import type * as ServerModule from '../../server/src/server';
import { repoRoot } from './paths';

/**
 * The server's compiled modules. Loaded by path because the tests compile to out/test while the
 * server compiles to out/server; the types come from the sources.
 */
const load = createRequire(__filename);
export const { MultiverseServer } = load(path.join(repoRoot, 'out', 'server', 'server.js')) as typeof ServerModule;
export type MultiverseServer = ServerModule.MultiverseServer;
/** The import parser the hovers and diagnostics use. */
export const imports = load(path.join(repoRoot, 'out', 'server', 'imports.js')) as typeof ImportsModule;
/** How the server finds the Node that runs a project. */
export const projectNode = load(path.join(repoRoot, 'out', 'server', 'project-node.js')) as typeof ProjectNodeModule;
/** The request types clients use, from the one shared protocol file. */
export const protocol = load(path.join(repoRoot, 'out', 'server', 'protocol.js')) as typeof ProtocolModule;

/** A {@link HostModule.ServerHost} that records what the server sends, for in-process tests. */
export class RecordingHost implements HostModule.ServerHost {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  readonly errors: string[] = [];
  readonly progressLog: string[] = [];
  readonly changes: { folder: string; generation: number }[] = [];
  watched: string[] = [];

  publishDiagnostics(uri: string, diagnostics: Diagnostic[]): void {
    this.diagnostics.set(uri, diagnostics);
  }

  analysisChanged(folder: string, generation: number): void {
    this.changes.push({ folder, generation });
  }

  readonly runtimeVersions: ProtocolModule.RuntimeVersionParams[] = [];

  runtimeVersion(params: ProtocolModule.RuntimeVersionParams): void {
    this.runtimeVersions.push(params);
  }

  log(message: string): void {
    this.logs.push(message);
  }

  showError(message: string): void {
    this.errors.push(message);
  }

  watchFiles(globs: string[]): Promise<void> {
    this.watched = globs;
    return Promise.resolve();
  }

  /** Presses Cancel on every progress started so far, as the user would in the editor. */
  readonly cancelProgress = (): void => this.progressControllers.forEach((c) => c.abort(new Error('cancelled by the user')));
  private readonly progressControllers: AbortController[] = [];

  progress(title: string): Promise<HostModule.ProgressHandle> {
    this.progressLog.push(`begin ${title}`);
    const controller = new AbortController();
    this.progressControllers.push(controller);
    return Promise.resolve({
      report: (message: string) => void this.progressLog.push(message),
      done: () => void this.progressLog.push('done'),
      signal: controller.signal,
    });
  }
}
