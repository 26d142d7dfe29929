import { DidChangeWatchedFilesNotification, MessageType, ShowMessageNotification, WatchKind, type Connection, type Diagnostic } from 'vscode-languageserver';
import { AnalysisChangedNotification, RuntimeVersionNotification, type RuntimeVersionParams } from './protocol';

/** A running work-done progress in the editor. */
export interface ProgressHandle {
  report(message: string, percentage?: number): void;
  done(): void;
  /** Aborted when the user cancels. */
  signal: AbortSignal;
}

/**
 * Everything the server sends to the client on its own initiative. The server class talks to this
 * interface only, so tests drive the handlers in-process with a recording host, and main.ts gives
 * it the one backed by the real connection.
 */
export interface ServerHost {
  publishDiagnostics(uri: string, diagnostics: Diagnostic[]): void;
  analysisChanged(folder: string, generation: number, conflicts: number): void;
  /** The folder's installed runtime differs from the server's (shown in the status bar). */
  runtimeVersion(params: RuntimeVersionParams): void;
  log(message: string): void;
  showError(message: string): void;
  /** Asks the client to watch the files that change the dependency graph (dynamic registration). */
  watchFiles(globs: string[]): Promise<void>;
  /** Starts a work-done progress the user can cancel. */
  progress(title: string): Promise<ProgressHandle>;
}

/** The host backed by an LSP connection. Logs go to the client's output, never to stdout. */
export function connectionHost(connection: Connection): ServerHost {
  return {
    publishDiagnostics: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
    analysisChanged: (folder, generation, conflicts) => void connection.sendNotification(AnalysisChangedNotification, { folder, generation, conflicts }),
    runtimeVersion: (params) => void connection.sendNotification(RuntimeVersionNotification, params),
    log: (message) => connection.console.log(message),
    showError: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message }),
    async watchFiles(globs) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: globs.map((globPattern) => ({ globPattern, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete })),
      });
    },
    async progress(title) {
      const controller = new AbortController();
      const reporter = await connection.window.createWorkDoneProgress();
      reporter.begin(title, 0, undefined, true);
      reporter.token.onCancellationRequested(() => controller.abort(new Error(`${title}: cancelled`)));
      return { report: (message, percentage) => reporter.report(percentage ?? 0, message), done: () => reporter.done(), signal: controller.signal };
    },
  };
}
