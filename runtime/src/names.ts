import { InputError } from './errors';

/** What a name identifies, used in error messages ("namespace name", "extension name"). */
export type NameKind = 'namespace' | 'extension';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_NAME_LENGTH = 64;

/**
 * Returns why `name` cannot name a namespace or an extension, or `undefined` when it can.
 *
 * Names become directory names under `.multiverse/` and appear in generated files and shell
 * commands, so the rule is a whitelist: a letter or digit first (no leading dot, no option-like
 * dash), then letters, digits, `_`, `.` and `-`, and never `..`. That refuses path separators,
 * control characters and shell metacharacters without listing them.
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string, got ${name === null ? 'null' : typeof name}`;
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters, got ${name.length}`;
  if (name.includes('..')) return 'must not contain ".."';
  if (!NAME.test(name)) {
    const bad = [...name].find((c, i) => !(i === 0 ? /[A-Za-z0-9]/ : /[A-Za-z0-9_.-]/).test(c)) ?? '';
    return `must start with a letter or digit and use only letters, digits, "_", "." and "-" (found ${describeChar(bad)})`;
  }
  return undefined;
}

/** Throws an {@link InputError} (code `EINVALIDNAME`) unless `name` is a valid name of this kind. */
export function assertValidName(kind: NameKind, name: unknown): asserts name is string {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new InputError('EINVALIDNAME', `Invalid ${kind} name ${JSON.stringify(name)}: it ${problem}.`);
  }
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return JSON.stringify(c);
}
