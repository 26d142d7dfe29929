import type { ResolveContext, Resolved } from '../../loader-hooks';
import { isBareSpecifier } from './provide-runtime';

/** What the ESM routing of an extension needs; all URLs. */
export interface EsmHookData {
  self: string;
  /** The extension directory's URL with a trailing slash. */
  directory: string;
  /** A URL inside the dependency tree, used as the parent when resolving there. */
  tree: string | undefined;
}

/** Node's next resolve step: synchronous under module.registerHooks, a promise under module.register. */
type NextResolve<R> = (specifier: string, context?: ResolveContext) => R;

/**
 * The ESM counterpart of `provideRuntimeToCommonJs`: `multiverse` is the runtime itself, and bare
 * specifiers imported from the extension's own files resolve in its dependency tree first. One
 * function serves both kinds of hooks: in-thread `module.registerHooks` (synchronous `next`) and
 * Node 20's off-thread `module.register` (asynchronous `next`).
 */
export function routeImport<R extends Resolved | Promise<Resolved>>(data: EsmHookData, specifier: string, context: ResolveContext, next: NextResolve<R>): R {
  if (specifier === 'multiverse') return { url: data.self, shortCircuit: true } as R;
  if (data.tree !== undefined && context.parentURL?.startsWith(data.directory) === true && isBareSpecifier(specifier)) {
    const tree = data.tree;
    // Not in the extension's tree: resolve from the importing file.
    return orElse(() => next(specifier, { ...context, parentURL: tree }), () => next(specifier, context));
  }
  return next(specifier, context);
}

function orElse<R>(first: () => R, second: () => R): R {
  let result: R;
  try {
    result = first();
  } catch {
    return second();
  }
  return result instanceof Promise ? (result.catch(second) as R) : result;
}

// The module.register() entry points (Node 20: hooks on their own thread).

let data: EsmHookData | undefined;

export function initialize(value: EsmHookData): void {
  data = value;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve<Promise<Resolved>>): Promise<Resolved> {
  return data === undefined ? next(specifier, context) : routeImport(data, specifier, context, next);
}
