import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeExtension, type ExtensionRow } from '../../client/src/model/extension-nodes';
import type { RunningExtension } from '../../client/src/extensions/runtime-api';
import { FOLDER } from './samples';

function row(running: Partial<RunningExtension> | undefined, rssBytes?: number, isolation: 'worker' | 'process' = 'process'): ExtensionRow {
  return {
    folder: FOLDER,
    declared: { name: 'csv-tools', path: 'extensions/csv-tools', isolation, dependencies: { 'csv-parse': '^5.5.0' } },
    running: running === undefined ? undefined : { name: 'csv-tools', isolation, state: 'running', pid: 4242, methods: ['parse'], restarts: 0, lastError: undefined, ...running },
    rssBytes,
  };
}

test('an extension that never ran shows its declared isolation and can be started', () => {
  const view = describeExtension(row(undefined));
  assert.equal(view.description, 'process · not started');
  assert.equal(view.contextValue, 'extension.stopped.process');
  assert.match(view.tooltip ?? '', /csv-parse@\^5\.5\.0/);
});

test('a running process shows pid and memory; a worker says it lives in the host', () => {
  const process = describeExtension(row({}, 50 * 1024 * 1024));
  assert.equal(process.description, 'process · running · pid 4242 · 50 MB');
  assert.equal(process.contextValue, 'extension.running.process');
  assert.equal(process.icon.id, 'pass-filled');
  assert.match(process.tooltip ?? '', /Methods: parse/);
  const worker = describeExtension(row({}, undefined, 'worker'));
  assert.equal(worker.description, 'worker · running · in host pid 4242');
});

test('a crash shows the last error', () => {
  const view = describeExtension(row({ state: 'crashed', restarts: 2, lastError: { code: 'EEXTENSIONCRASHED', message: 'exited with code 1' } }));
  assert.equal(view.contextValue, 'extension.crashed.process');
  assert.equal(view.icon.id, 'error');
  assert.equal(view.description, 'process · crashed');
  assert.match(view.tooltip ?? '', /Last error: EEXTENSIONCRASHED: exited with code 1/);
  assert.match(view.tooltip ?? '', /Restarted 2 time/);
});
