import { MultiverseError } from '../errors';
import type { NodeFeatures } from '../node-features';
import type { ResolverCache } from './fs-cache';

/** What one resolution carries through the algorithm, so every error can name the request. */
export interface ResolveContext {
  cache: ResolverCache;
  /** Condition names matched in `exports`/`imports` maps ("default" always matches). */
  conditions: ReadonlySet<string>;
  /** The Node version whose rules apply (conditions, which imports specifiers are valid). */
  node: NodeFeatures;
  specifier: string;
  fromFile: string;
  /** When set, `node_modules` lookups never go above this directory (a namespace root). */
  boundary: string | null;
}

/** A resolution failure. `code` is Node's code, except that both loaders' misses are `MODULE_NOT_FOUND`. */
export class ResolveError extends MultiverseError {
  readonly specifier: string;
  readonly fromFile: string;

  constructor(code: string, ctx: ResolveContext, detail: string) {
    super(code, `Cannot resolve ${JSON.stringify(ctx.specifier)} imported from ${ctx.fromFile}: ${detail}`);
    this.name = 'ResolveError';
    this.specifier = ctx.specifier;
    this.fromFile = ctx.fromFile;
  }
}
