import { MultiverseError } from '../errors';
import type { ResolverCache } from './fs-cache';

/** What one resolution carries through the algorithm, so every error can name the request. */
export interface ResolveContext {
  cache: ResolverCache;
  /** Condition names matched in `exports`/`imports` maps ("default" always matches). */
  conditions: ReadonlySet<string>;
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

/** Node's default condition sets: https://nodejs.org/api/packages.html#conditional-exports */
export const REQUIRE_CONDITIONS: ReadonlySet<string> = new Set(['require', 'node', 'node-addons']);
export const IMPORT_CONDITIONS: ReadonlySet<string> = new Set(['import', 'node', 'node-addons']);
