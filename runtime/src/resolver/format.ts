import * as path from 'node:path';
import type { ResolverCache } from './fs-cache';

/** How a loader treats a resolved file. */
export type ModuleFormat = 'commonjs' | 'module' | 'json' | 'builtin' | 'addon' | 'wasm';

const BY_EXTENSION: Record<string, ModuleFormat> = {
  '.mjs': 'module',
  '.cjs': 'commonjs',
  '.json': 'json',
  '.node': 'addon',
  '.wasm': 'wasm',
};

/**
 * The format Node gives `file`: fixed for .mjs/.cjs/.json/.node/.wasm; for .js and anything else
 * the `type` of the nearest package.json decides ("module" or CommonJS by default).
 */
export function formatOf(file: string, cache: ResolverCache): ModuleFormat {
  const fixed = BY_EXTENSION[path.extname(file)];
  if (fixed !== undefined) return fixed;
  return cache.packageScope(file)?.json.type === 'module' ? 'module' : 'commonjs';
}
