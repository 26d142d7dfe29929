import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { activeExtension, eventually, labelOf, level, multiverse, type Vscode } from './tests';

function folderUri(api: Vscode): vscode.Uri {
  const folder = api.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'no workspace folder is open');
  return folder;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

/**
 * Tests on the demo app as test/e2e/extension-host.test.ts prepares it (demo/ installed with
 * `npm install --legacy-peer-deps`: react@18 in the tree, legacy-widget asking for react@17), through
 * the same VS Code APIs other extensions and the editor use. They only read: the UI stories in
 * demo-stories.test.ts isolate.
 */
export const demoTests: Record<string, (api: Vscode) => Promise<void>> = {
  async 'every command the manifest contributes is registered'(api) {
    const extension = await activeExtension(api);
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await api.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
  },
  async "vscode.languages.getDiagnostics reports legacy-widget's peer conflict on package.json"(api) {
    await activeExtension(api);
    const manifest = api.Uri.joinPath(folderUri(api), 'package.json');
    const peers = await eventually('peer-conflict diagnostics on package.json', async () => {
      const found = api.languages.getDiagnostics(manifest).filter((d) => d.source === 'multiverse' && /Peer conflict/.test(d.message));
      return found.length > 0 ? found : undefined;
    });
    const described = peers.map((d) => [d.message, ...(d.relatedInformation ?? []).map((r) => r.message)].join(' '));
    assert.ok(
      described.some((text) => /react@18\.\d+\.\d+/.test(text) && /legacy-widget/.test(text)),
      `no peer conflict names the installed react@18 and legacy-widget:\n${described.join('\n')}`,
    );
    for (const d of peers) assert.equal(d.severity, api.DiagnosticSeverity.Error);
  },
  async 'the hover provider answers on an import in app.js with its tree, package and version'(api) {
    await activeExtension(api);
    const document = await api.workspace.openTextDocument(api.Uri.joinPath(folderUri(api), 'app.js'));
    const offset = document.getText().indexOf("require('legacy-widget')");
    assert.ok(offset >= 0, 'app.js has no require of legacy-widget');
    const position = document.positionAt(offset + "require('legacy".length);
    const text = await eventually('a Multiverse hover on legacy-widget', async () => {
      const shown = hoverText(await api.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));
      return /legacy-widget@/.test(shown) ? shown : undefined;
    });
    assert.match(text, /main tree · \*\*legacy-widget@1\.0\.0\*\*/);
    assert.match(text, /node_modules\/legacy-widget\/index\.js/);
  },
  async 'the views return items: the main tree with both Reacts wanted, the conflicts, the greeter extension'(api) {
    const { namespaces, conflicts, extensions } = await multiverse(api);
    const groups = await eventually('the react conflict in the Conflicts view', async () => {
      const rows = await level(conflicts);
      return rows.some((r) => labelOf(r.item) === 'react') ? rows : undefined;
    });
    assert.match(String(groups.find((r) => labelOf(r.item) === 'react')?.item.description), /18\.\d+\.\d+, \^17\.0\.2/);
    const roots = await level(namespaces);
    assert.deepEqual(
      roots.map((r) => labelOf(r.item)),
      ['main tree'],
    );
    const main = roots[0];
    assert.ok(main);
    const packages = (await level(namespaces, main.node)).map((r) => labelOf(r.item));
    for (const name of ['legacy-widget', 'modern-widget', 'react', 'react-dom']) assert.ok(packages.includes(name), `the main tree lacks ${name}: ${packages.join(', ')}`);
    assert.deepEqual(
      (await level(extensions)).map((r) => [labelOf(r.item), r.item.description]),
      [['greeter', 'worker · not started']],
    );
  },
};
