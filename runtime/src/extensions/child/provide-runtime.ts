import Module, { isBuiltin } from 'node:module';
import * as path from 'node:path';

type ResolveFilename = (this: unknown, request: string, parent: { filename?: string | null } | undefined, isMain: boolean, options?: unknown) => string;

/**
 * Makes `require('multiverse')` inside the extension load this very runtime (so `ExtensionBase` is
 * the class the bootstrap checks against) without the extension declaring it, and makes bare
 * specifiers required from the extension's own files resolve in its dependency tree first.
 * Patching `Module._resolveFilename` is the CommonJS resolution hook Node offers; it costs nothing
 * at start-up, unlike the ESM hooks thread, which is only registered for ESM extensions.
 */
export function provideRuntimeToCommonJs(selfEntry: string, directory: string, treeDir: string | undefined): void {
  const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = moduleInternals._resolveFilename;
  const inside = `${directory}${path.sep}`;
  moduleInternals._resolveFilename = function (request, parent, isMain, options) {
    if (request === 'multiverse') return selfEntry;
    const from = parent?.filename;
    // Only explicit `paths` (require.resolve(x, { paths })) opt out of the tree, not any options
    // object: Node 24 passes an empty one from a plain require.resolve(x) (since require.resolve
    // runs through module.registerHooks, 24.15), which sent it to the app's node_modules.
    if (treeDir !== undefined && !hasPaths(options) && typeof from === 'string' && from.startsWith(inside) && isBareSpecifier(request)) {
      try {
        return original.call(this, request, parent, isMain, { paths: [treeDir] });
      } catch {
        // Not in the extension's tree: fall back to ordinary resolution from the file.
      }
    }
    return original.call(this, request, parent, isMain, options);
  };
}

function hasPaths(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { paths?: unknown }).paths !== undefined;
}

export function isBareSpecifier(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':') && !isBuiltin(specifier);
}
