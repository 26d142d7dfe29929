import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNamespaceNode, packageManifestUri, pageNodes, rootNodes, type NamespaceNode } from '../../client/src/model/namespace-nodes';
import { FOLDER, folderNamespaces, namespaceInfo, treeItem } from './samples';

test('one folder lists the main tree first, then its namespaces by name', () => {
  const nodes = rootNodes({ folders: [folderNamespaces([namespaceInfo('zeta'), namespaceInfo('legacy')])] });
  assert.deepEqual(
    nodes.map((n) => (n.kind === 'namespace' ? n.info.name : n.kind)),
    ['main', 'legacy', 'zeta'],
  );
});

test('several folders get a level each', () => {
  const nodes = rootNodes({ folders: [folderNamespaces([]), folderNamespaces([], { folder: 'file:///work/other' })] });
  assert.deepEqual(
    nodes.map((n) => n.kind),
    ['folder', 'folder'],
  );
  assert.equal(describeNamespaceNode(nodes[1] as NamespaceNode).label, 'other');
});

test('namespace state picks icon, menu context and whether it expands', () => {
  const describe = (state: 'installed' | 'stale' | 'missing') => describeNamespaceNode({ kind: 'namespace', folder: FOLDER, info: namespaceInfo('legacy', { state, packageCount: 3 }) });
  assert.deepEqual([describe('installed').icon.id, describe('stale').icon.id, describe('missing').icon.id], ['package', 'warning', 'circle-slash']);
  assert.deepEqual([describe('installed').contextValue, describe('missing').contextValue], ['namespace.installed', 'namespace.missing']);
  assert.deepEqual([describe('installed').description, describe('stale').description, describe('missing').description], ['3 packages', 'stale', 'not installed']);
  assert.equal(describe('missing').collapsible, 'none', 'a namespace that is not installed has no tree to expand');
  assert.equal(describe('stale').collapsible, 'collapsed');
});

test('the namespace tooltip names its dependencies, shared packages and scope', () => {
  const view = describeNamespaceNode({ kind: 'namespace', folder: FOLDER, info: namespaceInfo('legacy', { dependencies: { react: '17.0.2' }, shared: ['graphql'], scope: ['src/legacy/**'] }) });
  assert.match(view.tooltip ?? '', /react@17\.0\.2/);
  assert.match(view.tooltip ?? '', /Shares graphql/);
  assert.match(view.tooltip ?? '', /src\/legacy\/\*\*/);
});

test('a page of packages ends with a "load more" node that knows where the next page starts', () => {
  const nodes = pageNodes(FOLDER, 'legacy', 7, { items: [treeItem('a'), treeItem('b')], total: 5, nextOffset: 2, generation: 3 });
  assert.deepEqual(
    nodes.map((n) => n.kind),
    ['package', 'package', 'more'],
  );
  const more = nodes[2];
  assert.ok(more?.kind === 'more');
  assert.deepEqual({ parent: more.parent, offset: more.offset, remaining: more.remaining, namespace: more.namespace }, { parent: 7, offset: 2, remaining: 3, namespace: 'legacy' });
  assert.equal(describeNamespaceNode(more).label, 'Load 3 more packages…');
  assert.equal(pageNodes(FOLDER, null, undefined, { items: [treeItem('a')], total: 1, nextOffset: null, generation: 1 }).length, 1);
});

test('packages show version, type and problem, and expand only when they have dependencies', () => {
  const describe = (item: ReturnType<typeof treeItem>) => describeNamespaceNode({ kind: 'package', folder: FOLDER, namespace: null, item, generation: 1 });
  const plain = describe(treeItem('react', { version: '18.2.0', childCount: 2 }));
  assert.deepEqual([plain.description, plain.icon.id, plain.collapsible], ['18.2.0', 'package', 'collapsed']);
  const invalid = describe(treeItem('react', { version: '17.0.2', spec: '^18.0.0', problem: 'INVALID', type: 'peer' }));
  assert.equal(invalid.description, '17.0.2 · peer · wants ^18.0.0');
  assert.equal(invalid.icon.id, 'warning');
  const missing = describe(treeItem('left-pad', { id: null, version: null, uri: null, problem: 'MISSING', childCount: 0 }));
  assert.deepEqual([missing.description, missing.icon.id, missing.contextValue, missing.collapsible], ['missing · wants ^1.0.0', 'error', 'package.missing', 'none']);
});

test('a package opens its own package.json', () => {
  assert.equal(packageManifestUri(treeItem('react', { uri: `${FOLDER}/node_modules/react/` })), `${FOLDER}/node_modules/react/package.json`);
  assert.equal(packageManifestUri(treeItem('gone', { uri: null })), undefined);
});
