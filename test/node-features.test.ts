import assert from 'node:assert/strict';
import Module from 'node:module';
import { test } from 'node:test';
import { nodeFeatures } from 'multiverse/tooling';

test('features follow the first release of each line that has them', () => {
  const at = (version: string) => nodeFeatures(version);
  assert.equal(at('20.20.2').requireEsm, true);
  assert.equal(at('20.18.1').requireEsm, false);
  assert.equal(at('21.7.0').requireEsm, false, 'a line no release of which has it');
  assert.equal(at('23.0.0').requireEsm, true);
  assert.deepEqual(at('24.22.3').conditions, { require: ['require', 'module-sync', 'node', 'node-addons'], import: ['import', 'module-sync', 'node', 'node-addons'] });
  assert.deepEqual(at('20.18.0').conditions.require, ['require', 'node', 'node-addons']);
  assert.equal(at('22.14.0').syncHooks, false);
  assert.equal(at('22.15.0').syncHooks, true);
  assert.equal(at('23.4.0').syncHooks, false);
  assert.equal(at('26.1.0').syncHooks, true, 'lines after the last listed have it from their first release');
  assert.equal(at('24.13.1').slashImports, false);
  assert.equal(at('24.14.0').slashImports, true);
  assert.equal(at('25.3.0').slashImports, false);
});

test('the permission model: its flag, inheritance by child processes and what it restricts', () => {
  const node20 = nodeFeatures('20.20.2').permission;
  assert.equal(node20.flag, '--experimental-permission');
  assert.equal(node20.experimental, true);
  assert.equal(node20.inheritedByChildren, false);
  assert.equal(node20.grants.has('inspector'), false);
  assert.equal(nodeFeatures('22.12.0').permission.flag, '--experimental-permission');
  const node22 = nodeFeatures('22.23.5').permission;
  assert.equal(node22.flag, '--permission');
  assert.equal(node22.inheritedByChildren, true);
  assert.equal(nodeFeatures('22.17.0').permission.inheritedByChildren, false);
  const node24 = nodeFeatures('v24.22.3').permission;
  assert.equal(node24.flag, '--permission');
  assert.equal(node24.grants.get('inspector'), '--allow-inspector');
  assert.equal(nodeFeatures('24.11.0').permission.grants.has('inspector'), false);
});

test('the running Node by default; partial versions name the newest of their line', () => {
  assert.equal(nodeFeatures().version, process.versions.node);
  assert.equal(nodeFeatures().requireEsm, (process.features as { require_module?: boolean }).require_module === true);
  assert.equal(nodeFeatures().syncHooks, 'registerHooks' in Module);
  assert.equal(nodeFeatures('22').version, '22');
  assert.equal(nodeFeatures('22').requireEsm, true);
  assert.equal(nodeFeatures('24.13').slashImports, false);
  assert.throws(() => nodeFeatures('latest'), { code: 'EINVALIDNODEVERSION' });
});
