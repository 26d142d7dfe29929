import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { MultiverseApi } from '../../../client/src/extension';

export type Vscode = typeof vscode;

const EXTENSION_ID = 'multiverse-dev.multiverse';

export async function activeExtension(api: Vscode): Promise<vscode.Extension<MultiverseApi>> {
  const extension = api.extensions.getExtension<MultiverseApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
  await extension.activate();
  return extension;
}

export async function multiverse(api: Vscode): Promise<MultiverseApi> {
  return (await activeExtension(api)).exports;
}

/**
 * Waits until `probe` returns something: the server analyses in the background, so the views fill
 * in after activation. The deadline only turns a hang into a failure that says what was awaited.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last === undefined ? '' : `; last error: ${String(last)}`}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A tree level as the view shows it: each node with its tree item. */
export async function level(provider: vscode.TreeDataProvider<unknown>, parent?: unknown): Promise<{ node: unknown; item: vscode.TreeItem }[]> {
  const nodes = (await provider.getChildren(parent)) ?? [];
  return Promise.all(nodes.map(async (node) => ({ node, item: await provider.getTreeItem(node) })));
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/**
 * Tests that run inside the real extension host, in order, on the workspace that
 * test/e2e/extension-host.test.ts prepares: package.json wants fixture-lib ^2.0.0 while 1.0.0 is
 * installed (an invalid edge), multiverse.json declares a namespace that is not installed and an
 * extension run as `calc` (worker) and `calc-process` (process).
 */
export const hostTests: Record<string, (api: Vscode) => Promise<void>> = {
  async 'the extension activates in a folder with a package.json'(api) {
    const extension = await activeExtension(api);
    assert.equal(extension.isActive, true);
  },
  async 'every command the manifest contributes is registered'(api) {
    const extension = await activeExtension(api);
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 15, `only ${contributed.length} commands contributed`);
    const registered = new Set(await api.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  },
  async 'the Conflicts view lists the invalid fixture-lib, grouped by package, linking to package.json'(api) {
    const { conflicts } = await multiverse(api);
    const groups = await eventually('the fixture-lib conflict in the Conflicts view', async () => {
      const rows = await level(conflicts);
      return rows.some((r) => labelOf(r.item) === 'fixture-lib') ? rows : undefined;
    });
    const group = groups.find((r) => labelOf(r.item) === 'fixture-lib');
    assert.ok(group);
    assert.match(String(group.item.contextValue), /isolatable/);
    const children = await level(conflicts, group.node);
    const invalid = children.find((c) => String(c.item.description).startsWith('invalid'));
    assert.ok(invalid, `no invalid conflict under fixture-lib: ${children.map((c) => `${labelOf(c.item)} (${String(c.item.description)})`).join('; ')}`);
    assert.equal(invalid.item.command?.command, 'vscode.open');
    const target = invalid.item.command.arguments?.[0] as vscode.Uri;
    assert.match(target.path, /\/package\.json$/);
    const namespaceRow = groups.find((r) => labelOf(r.item) === 'legacy');
    assert.ok(namespaceRow, 'the namespace that is not installed is listed as a conflict too');
    assert.match(String(namespaceRow.item.contextValue), /installable/);
  },
  async 'the Namespaces view shows the main tree and the namespace, and expands into packages'(api) {
    const { namespaces } = await multiverse(api);
    const roots = await eventually('the namespace in the Namespaces view', async () => {
      const rows = await level(namespaces);
      return rows.some((r) => labelOf(r.item) === 'legacy') ? rows : undefined;
    });
    assert.deepEqual(
      roots.map((r) => labelOf(r.item)),
      ['main tree', 'legacy'],
    );
    const legacy = roots[1];
    assert.equal(legacy?.item.contextValue, 'namespace.missing');
    const main = roots[0];
    assert.ok(main);
    const packages = await level(namespaces, main.node);
    const lib = packages.find((p) => labelOf(p.item) === 'fixture-lib');
    assert.ok(lib, `main tree packages: ${packages.map((p) => labelOf(p.item)).join(', ')}`);
    assert.match(String(lib.item.description), /^1\.0\.0 · wants \^2\.0\.0$/);
    assert.equal(lib.item.command?.command, 'vscode.open');
    assert.match((lib.item.command.arguments?.[0] as vscode.Uri).path, /node_modules\/fixture-lib\/package\.json$/);
  },
  async 'the Isolated Extensions view lists the declared extension; it starts, answers a call and stops from the commands'(api) {
    const { extensions, isolated } = await multiverse(api);
    const rows = await level(extensions);
    assert.deepEqual(
      rows.map((r) => [labelOf(r.item), r.item.description]),
      [
        ['calc', 'worker · not started'],
        ['calc-process', 'process · not started'],
      ],
    );
    const row = rows[0];
    assert.ok(row);
    await api.commands.executeCommand('multiverse.startExtension', row.node);
    const [running] = await level(extensions);
    assert.match(String(running?.item.description), /^worker · running · in host pid \d+$/);
    const [target] = await isolated.declared();
    assert.ok(target);
    assert.deepEqual(isolated.methods(target), ['add']);
    assert.equal(await isolated.call(target, 'add', [2, 3]), 5);
    await api.commands.executeCommand('multiverse.stopExtension', running?.node);
    const [stopped] = await level(extensions);
    assert.equal(stopped?.item.description, 'worker · not started');
  },
  async 'Attach Debugger runs a process extension under the inspector and attaches a Node debug session'(api) {
    const { extensions, isolated } = await multiverse(api);
    const row = (await level(extensions)).find((r) => labelOf(r.item) === 'calc-process');
    assert.ok(row);
    assert.equal(row.item.contextValue, 'extension.stopped.process');
    const started = new Promise<vscode.DebugSession>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no debug session started within 60 s')), 60_000);
      const subscription = api.debug.onDidStartDebugSession((session) => {
        subscription.dispose();
        clearTimeout(timer);
        resolve(session);
      });
    });
    await api.commands.executeCommand('multiverse.attachDebugger', row.node);
    const session = await started;
    try {
      assert.equal(session.name, 'Multiverse: calc-process');
      assert.equal(session.configuration.request, 'attach');
      const [target] = (await isolated.declared()).filter((t) => t.declared.name === 'calc-process');
      assert.ok(target);
      assert.equal(await isolated.call(target, 'add', [20, 22]), 42, 'the extension answers while the debugger is attached');
      const running = (await level(extensions)).find((r) => labelOf(r.item) === 'calc-process');
      assert.match(String(running?.item.description), /^process · running · pid \d+( · \d+ MB)?$/);
    } finally {
      await api.debug.stopDebugging(session);
      await api.commands.executeCommand('multiverse.stopExtension', row.node);
    }
  },
  async 'Show Namespace Graph opens the graph webview'(api) {
    await activeExtension(api);
    await api.commands.executeCommand('multiverse.showGraph');
    // The workbench tells the extension host about new tabs asynchronously.
    const tab = await eventually('the graph tab', async () => api.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Namespace Graph')), 15_000);
    assert.ok(tab.input instanceof api.TabInputWebview, 'the graph tab is not a webview');
    assert.match(tab.input.viewType, /multiverse\.graph$/);
  },
  async 'Isolate Dependency on the conflict moves fixture-lib into a namespace, installs it, and the conflict clears'(api) {
    const { conflicts, namespaces } = await multiverse(api);
    const folder = api.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const group = (await level(conflicts)).find((r) => labelOf(r.item) === 'fixture-lib');
    assert.ok(group, 'the fixture-lib conflict is gone before isolating');
    const namespace = await api.commands.executeCommand<string | undefined>('multiverse.isolateDependency', group.node);
    assert.ok(namespace, 'Isolate Dependency failed (its reason is in the Multiverse output channel)');
    const read = async (file: string): Promise<unknown> => JSON.parse(new TextDecoder().decode(await api.workspace.fs.readFile(api.Uri.joinPath(folder, file))));
    const manifest = (await read('package.json')) as { dependencies?: Record<string, string> };
    assert.equal(manifest.dependencies?.['fixture-lib'], undefined, 'fixture-lib is still declared in package.json');
    const config = (await read('multiverse.json')) as { namespaces: Record<string, { dependencies: Record<string, string> }> };
    assert.equal(config.namespaces[namespace]?.dependencies['fixture-lib'], '^2.0.0', `namespace ${namespace} does not declare fixture-lib ^2.0.0: ${JSON.stringify(config)}`);
    await eventually(`namespace ${namespace} installed in the Namespaces view`, async () =>
      (await level(namespaces)).some((r) => labelOf(r.item) === namespace && r.item.contextValue === 'namespace.installed') ? true : undefined,
    );
    await eventually('the fixture-lib conflict to clear', async () => ((await level(conflicts)).some((r) => labelOf(r.item) === 'fixture-lib') ? undefined : true));
    assert.equal(await exists(api, api.Uri.joinPath(folder, 'node_modules', 'fixture-lib')), false, "the app's own copy of fixture-lib is still in node_modules");
  },
  async 'the server restarts on command and the views fill in again'(api) {
    const { conflicts } = await multiverse(api);
    await api.commands.executeCommand('multiverse.restartServer');
    await eventually('the Conflicts view after the restart', async () => ((await level(conflicts)).length > 0 ? true : undefined));
  },
};

async function exists(api: Vscode, uri: vscode.Uri): Promise<boolean> {
  try {
    await api.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tests for the same workspace opened in Restricted Mode: analysis and views work; everything that
 * would run workspace code (npm installs, extension modules) is refused. The trusted suite shows the
 * same commands do install and run in this workspace, so "nothing happened" here is the refusal.
 */
export const restrictedModeTests: Record<string, (api: Vscode) => Promise<void>> = {
  async 'the folder is not trusted and the extension activates anyway'(api) {
    assert.equal(api.workspace.isTrusted, false);
    const extension = await activeExtension(api);
    assert.equal(extension.isActive, true);
  },
  async 'the Conflicts and Namespaces views show the analysis'(api) {
    const { conflicts, namespaces } = await multiverse(api);
    await eventually('the fixture-lib conflict in the Conflicts view', async () => ((await level(conflicts)).some((r) => labelOf(r.item) === 'fixture-lib') ? true : undefined));
    const roots = await level(namespaces);
    assert.deepEqual(
      roots.map((r) => labelOf(r.item)),
      ['main tree', 'legacy'],
    );
  },
  async 'Install Namespaces, from the palette or as the server command a light bulb runs, installs nothing'(api) {
    const folder = api.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    await api.commands.executeCommand('multiverse.install');
    const summary = await api.commands.executeCommand<unknown>('multiverse.installNamespaces', { folder: folder.toString() });
    assert.equal(summary, undefined);
    assert.equal(await exists(api, api.Uri.joinPath(folder, '.multiverse', 'legacy')), false, 'the namespace was installed in Restricted Mode');
  },
  async 'Isolate Dependency leaves package.json and multiverse.json alone'(api) {
    const { conflicts } = await multiverse(api);
    const folder = api.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const group = (await level(conflicts)).find((r) => labelOf(r.item) === 'fixture-lib');
    assert.ok(group);
    const before = new TextDecoder().decode(await api.workspace.fs.readFile(api.Uri.joinPath(folder, 'package.json')));
    assert.equal(await api.commands.executeCommand('multiverse.isolateDependency', group.node), undefined);
    assert.equal(new TextDecoder().decode(await api.workspace.fs.readFile(api.Uri.joinPath(folder, 'package.json'))), before);
  },
  async 'isolated extensions are listed but do not start'(api) {
    const { extensions, isolated } = await multiverse(api);
    const [row] = await level(extensions);
    assert.ok(row);
    assert.equal(labelOf(row.item), 'calc');
    await api.commands.executeCommand('multiverse.startExtension', row.node);
    const [after] = await level(extensions);
    assert.equal(after?.item.description, 'worker · not started');
    const [target] = await isolated.declared();
    assert.ok(target);
    await assert.rejects(isolated.start(target), /Restricted Mode/);
  },
};
