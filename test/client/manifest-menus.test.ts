import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { describeConflictNode } from '../../client/src/model/conflict-nodes';
import { describeExtension } from '../../client/src/model/extension-nodes';
import { describeNamespaceNode } from '../../client/src/model/namespace-nodes';
import { repoRoot } from '../support/paths';
import { conflict, FOLDER, namespaceInfo, treeItem } from './samples';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, MenuEntry[]> };
};
const commands = manifest.contributes.commands.map((c) => c.command);
const menus = manifest.contributes.menus;

/**
 * The commands a right-click on an item offers, evaluating the two clause forms the manifest uses
 * for items (`view == <id>` and `viewItem =~ /<re>/`) in a trusted workspace.
 */
function itemCommands(view: string, contextValue: string): string[] {
  return (menus['view/item/context'] ?? [])
    .filter((entry) => {
      const when = entry.when ?? '';
      const viewId = /view == ([\w.]+)/.exec(when)?.[1];
      const pattern = /viewItem =~ \/(.+?)\/(?: |$)/.exec(when)?.[1];
      return viewId === view && (pattern === undefined || new RegExp(pattern).test(contextValue));
    })
    .map((entry) => entry.command)
    .filter((command, index, all) => all.indexOf(command) === index);
}

test('every menu entry names a contributed command', () => {
  for (const [menu, entries] of Object.entries(menus)) {
    for (const entry of entries) assert.ok(commands.includes(entry.command), `${menu} names ${entry.command}, which is not contributed`);
  }
});

test('every command is reachable from the palette or from a view', () => {
  const hidden = new Set((menus.commandPalette ?? []).filter((e) => e.when === 'false').map((e) => e.command));
  const inViews = new Set([...(menus['view/title'] ?? []), ...(menus['view/item/context'] ?? [])].map((e) => e.command));
  for (const command of commands) assert.ok(!hidden.has(command) || inViews.has(command), `${command} is hidden from the palette and in no view menu`);
});

test('install and run entries in views require a trusted workspace', () => {
  const needsTrust = ['multiverse.install', 'multiverse.installNamespace', 'multiverse.isolateDependency', 'multiverse.runExtension', 'multiverse.callMethod', 'multiverse.startExtension', 'multiverse.stopExtension', 'multiverse.restartExtension', 'multiverse.attachDebugger'];
  for (const entry of [...(menus['view/title'] ?? []), ...(menus['view/item/context'] ?? [])]) {
    if (needsTrust.includes(entry.command)) assert.match(entry.when ?? '', /isWorkspaceTrusted/, `${entry.command} in a view does not check trust`);
  }
});

test('namespace menus follow the install state the model reports', () => {
  const menuFor = (state: 'installed' | 'stale' | 'missing') =>
    itemCommands('multiverse.namespaces', describeNamespaceNode({ kind: 'namespace', folder: FOLDER, info: namespaceInfo('legacy', { state }) }).contextValue);
  assert.deepEqual(menuFor('missing'), ['multiverse.installNamespace']);
  assert.deepEqual(menuFor('stale').sort(), ['multiverse.installNamespace', 'multiverse.removeNamespaceTree', 'multiverse.revealInExplorer']);
  assert.deepEqual(menuFor('installed').sort(), ['multiverse.installNamespace', 'multiverse.removeNamespaceTree', 'multiverse.revealInExplorer']);
  const pkg = describeNamespaceNode({ kind: 'package', folder: FOLDER, namespace: null, item: treeItem('react'), generation: 1 }).contextValue;
  assert.deepEqual(itemCommands('multiverse.namespaces', pkg), ['multiverse.revealInExplorer']);
});

test('conflict menus offer the fix the model decides on', () => {
  const group = (items: ReturnType<typeof conflict>[]) => describeConflictNode({ kind: 'group', group: { folder: FOLDER, package: 'react', severity: 'error', conflicts: items } }).contextValue;
  assert.deepEqual(itemCommands('multiverse.conflicts', group([conflict('react')])), ['multiverse.isolateDependency']);
  assert.deepEqual(itemCommands('multiverse.conflicts', group([conflict('legacy', { kind: 'namespace-stale', namespace: 'legacy' })])), ['multiverse.install']);
  assert.deepEqual(itemCommands('multiverse.conflicts', group([conflict('react', { kind: 'ambiguous' })])), []);
});

test('extension menus follow the run state and isolation', () => {
  const menuFor = (state: 'running' | 'crashed' | undefined, isolation: 'worker' | 'process') =>
    itemCommands(
      'multiverse.extensions',
      describeExtension({
        folder: FOLDER,
        declared: { name: 'calc', path: 'calc', isolation, dependencies: {} },
        running: state === undefined ? undefined : { name: 'calc', isolation, state, pid: 1, methods: [], restarts: 0, lastError: undefined },
        rssBytes: undefined,
      }).contextValue,
    ).sort();
  assert.deepEqual(menuFor(undefined, 'worker'), ['multiverse.callMethod', 'multiverse.showExtensionLogs', 'multiverse.startExtension']);
  assert.deepEqual(menuFor('running', 'process'), ['multiverse.attachDebugger', 'multiverse.callMethod', 'multiverse.restartExtension', 'multiverse.showExtensionLogs', 'multiverse.stopExtension']);
  assert.deepEqual(menuFor('crashed', 'worker'), ['multiverse.callMethod', 'multiverse.restartExtension', 'multiverse.showExtensionLogs', 'multiverse.startExtension']);
});
