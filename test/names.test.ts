import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from 'multiverse';
import { assertValidName, nameProblem, resolveInside } from 'multiverse/tooling';

test('accepts ordinary namespace names', () => {
  for (const name of ['legacy', 'react17', 'csv-tools', 'a.b_c-d', '0day']) assert.equal(nameProblem(name), undefined, name);
});

test('refuses names that could escape a directory or reach a shell', () => {
  const bad: Record<string, RegExp> = {
    '': /empty/,
    '../up': /"\.\."/,
    'a/b': /found "\/"/,
    'a\\b': /found "\\\\"/,
    '.hidden': /found "\."/,
    '-rf': /found "-"/,
    'x;rm': /found ";"/,
    'a$(b)': /found "\$"/,
    'tab\tname': /control character U\+0009/,
    'nul\0': /control character U\+0000/,
    ['x'.repeat(65)]: /at most 64/,
  };
  for (const [name, reason] of Object.entries(bad)) assert.match(nameProblem(name) ?? 'accepted', reason, JSON.stringify(name));
});

test('refuses values that are not strings', () => {
  assert.match(nameProblem(42) ?? '', /string, got number/);
  assert.match(nameProblem(null) ?? '', /string, got null/);
});

test('assertValidName throws an InputError with code and kind', () => {
  assert.throws(
    () => assertValidName('extension', 'a/b'),
    (error: unknown) => error instanceof InputError && error.code === 'EINVALIDNAME' && /Invalid extension name "a\/b"/.test(error.message),
  );
  assert.doesNotThrow(() => assertValidName('namespace', 'legacy'));
});

test('resolveInside keeps configured paths inside the root', () => {
  assert.equal(resolveInside('/project', 'extensions/csv', 'extension path'), '/project/extensions/csv');
  assert.equal(resolveInside('/project', '.', 'extension path'), '/project');
  assert.throws(() => resolveInside('/project', '../elsewhere', 'extension path'), /extension path "\.\.\/elsewhere" resolves to \/elsewhere, outside the project root \/project/);
  assert.throws(() => resolveInside('/project', '/etc', 'extension path'), { code: 'EOUTSIDEROOT' });
  assert.throws(() => resolveInside('/project', '/projectile', 'extension path'), { code: 'EOUTSIDEROOT' });
});
