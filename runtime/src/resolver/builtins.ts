import { isBuiltin } from 'node:module';
import { type ResolveContext, ResolveError } from './context';

/**
 * The canonical `node:` id of a built-in module, or null when `specifier` is not one.
 * `node:` works for every built-in; the bare form only for those Node lets you require without the
 * scheme (so `test` is a package name, `node:test` a built-in), the same rule in both loaders.
 */
export function builtinId(ctx: ResolveContext): string | null {
  const { specifier } = ctx;
  if (specifier.startsWith('node:')) {
    if (isBuiltin(specifier)) return specifier;
    throw new ResolveError('ERR_UNKNOWN_BUILTIN_MODULE', ctx, `${specifier} is not a built-in module of Node ${process.version}.`);
  }
  return isBuiltin(specifier) ? `node:${specifier}` : null;
}
