import { type ResolveContext, ResolveError } from './context';

/** Splits a bare specifier into the package name and the subpath ("." or "./rest"), as Node does. */
export function parsePackageName(ctx: ResolveContext, specifier: string): { name: string; subpath: string } {
  let separator = specifier.indexOf('/');
  let valid = true;
  if (specifier.startsWith('@')) {
    if (separator === -1 || separator === specifier.length - 1) valid = false;
    else separator = specifier.indexOf('/', separator + 1);
  }
  const name = separator === -1 ? specifier : specifier.slice(0, separator);
  if (name.startsWith('.') || name.includes('\\') || name.includes('%') || name.length === 0) valid = false;
  if (!valid) {
    throw new ResolveError('ERR_INVALID_MODULE_SPECIFIER', ctx, `${JSON.stringify(specifier)} is not a valid package name.`);
  }
  return { name, subpath: `.${separator === -1 ? '' : specifier.slice(separator)}` };
}
