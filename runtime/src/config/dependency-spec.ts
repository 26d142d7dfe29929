import npa from 'npm-package-arg';

/**
 * Returns why `name@spec` cannot be a dependency of a namespace or an extension, or `undefined`.
 * Uses npm's own parser, so anything npm would accept in a package.json is accepted here and a
 * typo like `^1.2.x.y` is refused with npm's reason instead of failing later inside the installer.
 */
export function dependencyProblem(name: string, spec: unknown): string | undefined {
  if (name === '') return 'a dependency name must not be empty';
  if (typeof spec !== 'string') return `the version spec of "${name}" must be a string like "^1.2.0", got ${describe(spec)}`;
  try {
    npa.resolve(name, spec);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EINVALIDPACKAGENAME') return `"${name}" is not a valid npm package name: ${firstSentence(error)}`;
    return `"${spec}" is not a valid version spec for "${name}": ${firstSentence(error)}. Use a version ("1.2.3"), a range ("^1.2.0"), a tag ("latest") or another spec npm accepts`;
  }
}

/** Returns why `name` cannot be a package name (for `shared` lists), or `undefined`. */
export function packageNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a package name string, got ${describe(name)}`;
  if (name === '') return 'a package name must not be empty';
  try {
    npa.resolve(name, '*');
    return undefined;
  } catch (error) {
    return `"${name}" is not a valid npm package name: ${firstSentence(error)}`;
  }
}

/** npm-package-arg's messages repeat the input ("Invalid package name "x" of package "x@*": why"); keep the why. */
function firstSentence(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return (message.split('": ').pop() ?? message).replace(/\.$/, '');
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
