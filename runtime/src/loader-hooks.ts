import Module from 'node:module';
import { nodeFeatures } from './node-features';

/** Node's synchronous hooks (`module.registerHooks`), typed as far as Multiverse uses them. */
export interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
export interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
export interface LoadContext {
  format?: string | null;
}
export interface Loaded {
  format: string;
  source?: string | ArrayBuffer | null;
  shortCircuit?: boolean;
}
type Resolve = (specifier: string, context: ResolveContext, next: (specifier: string, context?: ResolveContext) => Resolved) => Resolved;
type Load = (url: string, context: LoadContext, next: (url: string, context?: LoadContext) => Loaded) => Loaded;

/**
 * Registers hooks that run synchronously on this thread (Node 22.15+, see node-features.ts): no
 * hooks thread, no start-up cost, nothing the permission model forbids. Callers check
 * `nodeFeatures().syncHooks` first and use `module.register` on Node 20.
 */
export function registerInThreadHooks(hooks: { resolve?: Resolve; load?: Load }): void {
  const registerHooks = (Module as unknown as { registerHooks?: (hooks: { resolve?: Resolve; load?: Load }) => unknown }).registerHooks;
  if (!nodeFeatures().syncHooks || registerHooks === undefined) {
    throw new Error(`Node ${process.version} has no module.registerHooks (it arrived in 22.15 and 23.5); register the hooks with module.register instead.`);
  }
  registerHooks(hooks);
}

/**
 * In-thread resolve hooks see `require()` too; this one only routes imports (where `require` is
 * routed already, by Module._resolveFilename) and passes `require` through.
 */
export function importsOnly(resolve: Resolve): Resolve {
  return (specifier, context, next) => (context.conditions?.includes('require') === true ? next(specifier, context) : resolve(specifier, context, next));
}
