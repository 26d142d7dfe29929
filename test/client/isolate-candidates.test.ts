import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateRow, isolateCandidates } from '../../client/src/model/isolate-candidates';
import { conflict, treeItem } from './samples';

test('most conflicted first, errors weighing more than warnings, then by name', () => {
  const candidates = isolateCandidates(
    [treeItem('zod'), treeItem('alpha'), treeItem('react'), treeItem('old-widget'), treeItem('lodash')],
    [
      conflict('lodash', { severity: 'warning' }),
      conflict('lodash', { severity: 'warning', kind: 'singleton' }),
      conflict('react', { severity: 'error', dependents: [{ name: 'old-widget', version: '1.0.0', spec: '^17', type: 'peer' }] }),
    ],
  );
  assert.deepEqual(
    candidates.map((c) => [c.name, c.conflicts.length]),
    [
      ['old-widget', 1],
      ['react', 1],
      ['lodash', 2],
      ['alpha', 0],
      ['zod', 0],
    ],
  );
});

test('a dependent that pulls in a conflicting package counts that conflict', () => {
  const [first] = isolateCandidates([treeItem('react'), treeItem('old-widget')], [conflict('react-dom', { dependents: [{ name: 'old-widget', version: '1.0.0', spec: '^17', type: 'prod' }] })]);
  assert.equal(first?.name, 'old-widget');
  assert.equal(first?.conflicts[0]?.package, 'react-dom');
});

test('peer and workspace dependencies are not offered; conflicts inside namespaces do not count', () => {
  const candidates = isolateCandidates(
    [treeItem('react', { type: 'peer' }), treeItem('pkg-a', { type: 'workspace' }), treeItem('eslint', { type: 'dev' }), treeItem('lodash')],
    [conflict('lodash', { namespace: 'legacy' })],
  );
  assert.deepEqual(
    candidates.map((c) => [c.name, c.conflicts.length]),
    [
      ['eslint', 0],
      ['lodash', 0],
    ],
  );
});

test('a row shows spec, installed version, type and the conflicts', () => {
  const [withConflicts] = isolateCandidates([treeItem('react', { spec: '^18.0.0', version: '18.2.0', type: 'dev' })], [conflict('react', { kind: 'singleton', message: 'two copies of react' })]);
  assert.ok(withConflicts);
  assert.deepEqual(candidateRow(withConflicts), { label: 'react', description: '^18.0.0 · installed 18.2.0 · dev', detail: '1 conflict (singleton): two copies of react' });
  const [missing] = isolateCandidates([treeItem('left-pad', { version: null })], []);
  assert.ok(missing);
  assert.deepEqual(candidateRow(missing), { label: 'left-pad', description: '^1.0.0 · not installed' });
});
