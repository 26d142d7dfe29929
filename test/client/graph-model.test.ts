import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, Layout, type GraphNode } from '../../client/src/model/graph-model';
import { conflict, FOLDER, folderNamespaces, namespaceInfo, treeItem } from './samples';

function byId(nodes: GraphNode[], id: string): GraphNode {
  const node = nodes.find((n) => n.id === id);
  assert.ok(node, `no node ${id} in ${nodes.map((n) => n.id).join(', ')}`);
  return node;
}

const input = {
  folder: folderNamespaces([namespaceInfo('modern', { shared: ['lodash'] }), namespaceInfo('legacy', { shared: ['lodash', 'not-installed'] }), namespaceInfo('later', { state: 'missing' })]),
  packages: new Map([
    ['', [treeItem('react', { version: '18.2.0' }), treeItem('lodash')]],
    ['legacy', [treeItem('react', { version: '17.0.2', uri: `${FOLDER}/.multiverse/legacy/node_modules/react` }), treeItem('old-widget')]],
    ['modern', [treeItem('zod')]],
  ]),
  conflicts: [conflict('react', { namespace: 'legacy', kind: 'invalid' }), conflict('later', { namespace: 'later', kind: 'namespace-not-installed' })],
};

test('trees on the left (main first, namespaces by name), each tree’s packages beside it', () => {
  const graph = buildGraph(input);
  const trees = graph.nodes.filter((n) => n.kind === 'tree');
  assert.deepEqual(
    trees.map((n) => n.label),
    ['main tree', 'later', 'legacy', 'modern'],
  );
  assert.ok(trees.every((n) => n.x === Layout.margin));
  const packages = graph.nodes.filter((n) => n.kind === 'package');
  assert.ok(packages.every((n) => n.x > Layout.margin + Layout.treeWidth));
  assert.equal(graph.edges.filter((e) => e.kind === 'holds' && e.from === 'tree:legacy').length, 2);
});

test('blocks do not overlap, and every node fits inside the drawing', () => {
  const graph = buildGraph(input);
  const packages = graph.nodes.filter((n) => n.kind === 'package').sort((a, b) => a.y - b.y);
  for (let i = 1; i < packages.length; i++) {
    const previous = packages[i - 1] as GraphNode;
    assert.ok((packages[i] as GraphNode).y >= previous.y + previous.height, `${packages[i]?.id} overlaps ${previous.id}`);
  }
  for (const node of graph.nodes) {
    assert.ok(node.x + node.width <= graph.width && node.y + node.height <= graph.height, `${node.id} lies outside ${graph.width}×${graph.height}`);
  }
});

test('a tree sits beside the middle of its own packages', () => {
  const graph = buildGraph(input);
  const legacy = byId(graph.nodes, 'tree:legacy');
  const react = byId(graph.nodes, 'package:legacy:react');
  const widget = byId(graph.nodes, 'package:legacy:old-widget');
  assert.equal(legacy.y + legacy.height / 2, (Math.min(react.y, widget.y) + Math.max(react.y, widget.y) + Layout.nodeHeight) / 2);
});

test('conflicts are marked on the copy they are about; packages in several trees are marked duplicated', () => {
  const graph = buildGraph(input);
  assert.equal(byId(graph.nodes, 'package:legacy:react').conflict, true);
  assert.equal(byId(graph.nodes, 'package::react').conflict, false, 'the conflict is about the legacy copy');
  assert.equal(byId(graph.nodes, 'package::react').duplicated, true);
  assert.equal(byId(graph.nodes, 'package:modern:zod').duplicated, false);
  assert.equal(byId(graph.nodes, 'tree:later').conflict, true, 'a namespace that is not installed');
  assert.equal(byId(graph.nodes, 'tree:later').state, 'missing');
  assert.equal(byId(graph.nodes, 'tree:later').detail, 'not installed');
});

test('shared packages are edges to the main tree’s copy, only when the main tree has one', () => {
  const graph = buildGraph(input);
  assert.deepEqual(
    graph.edges.filter((e) => e.kind === 'shared').map((e) => `${e.from} -> ${e.to}`),
    ['tree:legacy -> package::lodash', 'tree:modern -> package::lodash'],
  );
});

test('package nodes open their package.json; missing ones open nothing', () => {
  const graph = buildGraph({ ...input, packages: new Map([['', [treeItem('react'), treeItem('gone', { uri: null, version: null, problem: 'MISSING' })]]]) });
  assert.equal(byId(graph.nodes, 'package::react').uri, `${FOLDER}/node_modules/react/package.json`);
  const gone = byId(graph.nodes, 'package::gone');
  assert.equal(gone.uri, null);
  assert.equal(gone.conflict, true);
  assert.equal(gone.detail, 'missing (^1.0.0)');
});
