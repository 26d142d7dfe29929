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
    // `end` can arrive before VS Code runs the progress task (an install that was already up to date).
    let ended = false;
    let reported = 0;
    /** The newest state, shown as soon as the notification exists (reports can come before it does). */
    let latest: WorkDoneProgressBegin | WorkDoneProgressReport | undefined;
    const show = (): void => {
      if (progress === undefined || latest === undefined) return;
      // VS Code adds increments; the protocol sends the percentage so far.
      const { percentage, message } = latest;
      const increment = percentage === undefined ? undefined : Math.max(0, percentage - reported);
      if (percentage !== undefined) reported = Math.max(reported, percentage);
      progress.report({ message, increment });
    };
    const subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
      switch (value.kind) {
        case 'begin':
          latest = value;
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Multiverse: ${value.title}`, cancellable: value.cancellable === true }, (p, cancellation) => {
            progress = p;
            cancellation.onCancellationRequested(() => {
              // The server stops at its next safe point (an npm step under way finishes first).
              p.report({ message: 'cancelling…' });
              void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
            });
            show();
            return ended ? Promise.resolve() : new Promise<void>((resolve) => (finish = resolve));
          });
          break;
        case 'report':
          latest = value;
          show();
          break;
        case 'end':
          ended = true;
          subscription.dispose();
          finish?.();
          break;
      }
    });
  });
}
