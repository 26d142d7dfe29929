import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { pickFolder } from '../commands/pick-folder';
import { buildGraph, type GraphData } from '../model/graph-model';
import { ConflictsRequest, NamespacesRequest, TreeRequest, type TreeItem } from '../model/protocol';

const VIEW_TYPE = 'multiverse.graph';

/** Show Namespace Graph: one panel per workspace folder, redrawn after every analysis. */
export function registerGraphCommand(ctx: Ctx): void {
  const panels = new Map<string, GraphPanel>();
  ctx.register(
    vscode.commands.registerCommand('multiverse.showGraph', async () => {
      const folder = await pickFolder('Show the namespace graph of which folder?');
      if (folder === undefined) return;
      const key = folder.uri.toString();
      const existing = panels.get(key);
      if (existing) return existing.reveal();
      const panel = new GraphPanel(ctx, folder, () => panels.delete(key));
      // The page asks for the graph ('ready') once its script runs; messages sent earlier could be lost.
      panels.set(key, panel);
    }),
  );
}

class GraphPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly folder: vscode.WorkspaceFolder,
    onClosed: () => void,
  ) {
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, `Namespace Graph: ${folder.name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // The page loads nothing but its own two files.
      localResourceRoots: [media],
    });
    this.panel.iconPath = vscode.Uri.joinPath(media, 'multiverse.svg');
    this.panel.webview.html = pageHtml(this.panel.webview, media);
    this.disposables.push(
      ctx.onDidChangeAnalysis(() => void this.update()),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      this.panel.onDidDispose(() => {
        this.disposables.forEach((d) => d.dispose());
        onClosed();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Asks the server for the trees and conflicts and sends the laid-out graph to the page. */
  async update(): Promise<void> {
    const folder = this.folder.uri.toString();
    try {
      const [namespaces, conflicts] = await Promise.all([this.ctx.request(NamespacesRequest, { folder }), this.ctx.request(ConflictsRequest, { folder })]);
      const info = namespaces.folders[0];
      if (info === undefined) throw new Error(`the server does not analyse ${this.folder.uri.fsPath}`);
      const trees: [string, string | null][] = [['', null], ...info.namespaces.filter((n) => n.state !== 'missing').map((n): [string, string] => [n.name, n.name])];
      const packages = new Map<string, TreeItem[]>(
        await Promise.all(trees.map(async ([key, namespace]) => [key, (await this.ctx.request(TreeRequest, { folder, namespace, limit: 1000 })).items] as [string, TreeItem[]])),
      );
      const graph: GraphData = buildGraph({ folder: info, packages, conflicts: conflicts.folders.flatMap((f) => f.conflicts) });
      await this.panel.webview.postMessage({ type: 'graph', graph });
    } catch (error) {
      await this.panel.webview.postMessage({ type: 'error', message: `Could not draw the graph: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private async onMessage(message: unknown): Promise<void> {
    const { type, uri } = (message ?? {}) as { type?: unknown; uri?: unknown };
    if (type === 'open' && typeof uri === 'string') await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preview: true });
    else if (type === 'ready') await this.update();
  }
}

/** The page: a strict CSP (only this panel's own script with a fresh nonce, styles from media/), no remote content. */
function pageHtml(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'graph.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'graph.css'));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource}`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Namespace Graph</title>
</head>
<body>
<header>
<span class="legend"><span class="swatch tree"></span>tree</span>
<span class="legend"><span class="swatch package"></span>package</span>
<span class="legend"><span class="swatch duplicated"></span>in several trees</span>
<span class="legend"><span class="swatch conflict"></span>conflict</span>
<span class="legend"><span class="swatch shared"></span>shared from the main tree</span>
</header>
<p id="status" role="status">Loading the namespace graph…</p>
<div id="graph"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
