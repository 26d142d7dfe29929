import * as vscode from 'vscode';
import { WorkDoneProgress, WorkDoneProgressCancelNotification, WorkDoneProgressCreateRequest, type LanguageClient, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';

/**
 * Shows the progress the server starts (installing namespaces) as a notification with a Cancel
 * button. The language client's own handler puts it in the status bar, where VS Code offers no
 * cancel; npm installs take long enough that users need one. Cancel sends
 * `window/workDoneProgress/cancel`, which the server turns into an abort of the install.
 */
export function showServerProgress(client: LanguageClient): void {
  client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let finish: (() => void) | undefined;
    let reported = 0;
    const report = (value: WorkDoneProgressBegin | WorkDoneProgressReport): void => {
      // VS Code adds increments; the protocol sends the percentage so far.
      const increment = value.percentage === undefined ? undefined : Math.max(0, value.percentage - reported);
      if (value.percentage !== undefined) reported = Math.max(reported, value.percentage);
      progress?.report({ message: value.message, increment });
    };
    const subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
      switch (value.kind) {
        case 'begin':
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Multiverse: ${value.title}`, cancellable: value.cancellable === true }, (p, cancellation) => {
            progress = p;
            cancellation.onCancellationRequested(() => {
              // The server stops at its next safe point (an npm step under way finishes first).
              p.report({ message: 'cancelling…' });
              void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
            });
            report(value);
            return new Promise<void>((resolve) => (finish = resolve));
          });
          break;
        case 'report':
          report(value);
          break;
        case 'end':
          subscription.dispose();
          finish?.();
          break;
      }
    });
  });
}
