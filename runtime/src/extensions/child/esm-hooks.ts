import { isBareSpecifier } from './provide-runtime';

/** Passed from the bootstrap through `module.register(..., { data })`; all URLs. */
export interface EsmHookData {
  self: string;
  /** The extension directory's URL with a trailing slash. */
  directory: string;
  /** A URL inside the dependency tree, used as the parent when resolving there. */
  tree: string | undefined;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null; shortCircuit?: boolean }>;

let data: EsmHookData | undefined;

export function initialize(value: EsmHookData): void {
  data = value;
}

/** The ESM counterpart of `provideRuntimeToCommonJs`, running on Node's hooks thread. */
export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; format?: string | null; shortCircuit?: boolean }> {
  if (data !== undefined) {
    if (specifier === 'multiverse') return { url: data.self, shortCircuit: true };
    if (data.tree !== undefined && context.parentURL?.startsWith(data.directory) === true && isBareSpecifier(specifier)) {
      try {
        return await next(specifier, { ...context, parentURL: data.tree });
      } catch {
        // Not in the extension's tree: resolve from the importing file.
      }
    }
  }
  return next(specifier, context);
}
