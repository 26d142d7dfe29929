import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflictChildren, conflictCount, conflictFix, conflictRootNodes, describeConflictNode, groupConflicts, type ConflictNode } from '../../client/src/model/conflict-nodes';
import { conflict, FOLDER, NODE } from './samples';

test('conflicts group by package: errors first, then the most conflicted, then by name', () => {
  const [folder] = groupConflicts({
    folders: [
      {
        folder: FOLDER,
        node: NODE,
        conflicts: [
          conflict('b-warn', { severity: 'warning' }),
          conflict('c-error'),
          conflict('a-warn', { severity: 'warning' }),
          conflict('b-warn', { severity: 'warning', kind: 'singleton' }),
          conflict('a-error'),
        ],
      },
    ],
  });
  assert.deepEqual(
    folder?.groups.map((g) => [g.package, g.severity, g.conflicts.length]),
    [
      ['a-error', 'error', 1],
      ['c-error', 'error', 1],
      ['b-warn', 'warning', 2],
      ['a-warn', 'warning', 1],
    ],
  );
});

test('one group with an error and a warning counts as an error', () => {
  const [folder] = groupConflicts({ folders: [{ folder: FOLDER, node: NODE, conflicts: [conflict('react', { severity: 'warning' }), conflict('react')] }] });
  assert.equal(folder?.groups[0]?.severity, 'error');
});

test('one folder shows its groups at the top; several folders each get a level, and folders without conflicts are left out', () => {
  const single = conflictRootNodes({ folders: [{ folder: FOLDER, node: NODE, conflicts: [conflict('react')] }] });
  assert.deepEqual(
    single.map((n) => n.kind),
    ['group'],
  );
  const multi = conflictRootNodes({
    folders: [
      { folder: FOLDER, node: NODE, conflicts: [conflict('react')] },
      { folder: 'file:///work/b', node: NODE, conflicts: [conflict('vue')] },
      { folder: 'file:///work/clean', node: NODE, conflicts: [] },
    ],
  });
  assert.deepEqual(
    multi.map((n) => n.kind),
    ['folder', 'folder'],
  );
  const children = conflictChildren(multi[1] as ConflictNode);
  assert.equal(children[0]?.kind === 'group' ? children[0].group.package : undefined, 'vue');
});

test('what fixes a conflict decides its menu: isolate main-tree conflicts, install namespaces, nothing for config errors', () => {
  assert.equal(conflictFix(conflict('react', { kind: 'peer' })), 'isolate');
  assert.equal(conflictFix(conflict('react', { kind: 'singleton', namespace: 'legacy' })), null, 'already in a namespace');
  assert.equal(conflictFix(conflict('legacy', { kind: 'namespace-stale' })), 'install');
  assert.equal(conflictFix(conflict('react', { kind: 'ambiguous' })), null);
  const [group] = conflictRootNodes({ folders: [{ folder: FOLDER, node: NODE, conflicts: [conflict('react'), conflict('react', { kind: 'namespace-not-installed' })] }] });
  assert.equal(describeConflictNode(group as ConflictNode).contextValue, 'conflictGroup.isolatable.installable');
  const [, installable] = conflictChildren(group as ConflictNode);
  assert.equal(describeConflictNode(installable as ConflictNode).contextValue, 'conflict.installable');
});

test('a conflict row carries its message, kind, namespace and dependents', () => {
  const node: ConflictNode = {
    kind: 'conflict',
    folder: FOLDER,
    conflict: conflict('react', { kind: 'invalid', namespace: 'legacy', severity: 'warning', dependents: [{ name: 'old-widget', version: '1.2.0', spec: '^17.0.0', type: 'peer' }] }),
  };
  const view = describeConflictNode(node);
  assert.equal(view.label, 'react conflicts');
  assert.equal(view.description, 'invalid · namespace legacy');
  assert.equal(view.icon.id, 'warning');
  assert.match(view.tooltip ?? '', /old-widget@1\.2\.0 wants \^17\.0\.0 \(peer\)/);
});

test('counts errors and warnings across folders', () => {
  const counts = conflictCount({
    folders: [
      { folder: FOLDER, node: NODE, conflicts: [conflict('a'), conflict('b', { severity: 'warning' })] },
      { folder: 'file:///b', node: NODE, conflicts: [conflict('c')] },
    ],
  });
  assert.deepEqual(counts, { errors: 2, warnings: 1 });
});
