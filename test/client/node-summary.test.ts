import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeSummary } from '../../client/src/model/node-summary';
import { FOLDER, NODE } from './samples';

test('the status tooltip names the Node the answers follow, where it came from, unmet hints and unusable settings', () => {
  const node = {
    version: '20.18.0',
    source: 'setting multiverse.node.version',
    problems: ['multiverse.node.path /opt/node: spawn /opt/node ENOENT'],
    hints: [
      { source: '.nvmrc', value: '22', satisfied: false },
      { source: 'package.json engines.node', value: '>=20', satisfied: true },
      { source: '.node-version', value: 'system', satisfied: null },
    ],
  };
  assert.deepEqual(nodeSummary({ folders: [{ folder: FOLDER, conflicts: [], node }] }, () => 'app'), [
    'Node 20.18.0, from setting multiverse.node.version',
    '.nvmrc asks for 22',
    'Not used: multiverse.node.path /opt/node: spawn /opt/node ENOENT',
  ]);
  const two = nodeSummary({ folders: [{ folder: FOLDER, conflicts: [], node: NODE }, { folder: 'file:///work/b', conflicts: [], node }] }, (uri) => uri.split('/').pop() ?? uri);
  assert.equal(two[0], 'app: Node 24.22.3, from node on the PATH (/usr/local/bin/node)');
  assert.equal(two[1], 'b: Node 20.18.0, from setting multiverse.node.version');
});
