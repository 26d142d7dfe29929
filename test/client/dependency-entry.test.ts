import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDependencyEntry } from '../../client/src/model/dependency-entry';

const manifest = `{
  "name": "app",
  "dependencies": { "react": "^18.0.0" },
  "devDependencies": {
    "typescript": "~5.9.3"
  },
  "peerDependencies": { "vue": "^3" }
}`;

test('finds the key of a dependency in whichever field declares it', () => {
  const react = findDependencyEntry(manifest, 'react');
  assert.equal(react?.field, 'dependencies');
  assert.equal(manifest.slice(react?.offset, (react?.offset ?? 0) + (react?.length ?? 0)), '"react"');
  const typescript = findDependencyEntry(manifest, 'typescript');
  assert.equal(typescript?.field, 'devDependencies');
  assert.equal(manifest.slice(typescript?.offset, (typescript?.offset ?? 0) + (typescript?.length ?? 0)), '"typescript"');
});

test('peer dependencies, other keys and broken text find nothing', () => {
  assert.equal(findDependencyEntry(manifest, 'vue'), undefined);
  assert.equal(findDependencyEntry(manifest, 'name'), undefined);
  assert.equal(findDependencyEntry('', 'react'), undefined);
});
