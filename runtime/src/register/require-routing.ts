import Module from 'node:module';
import { sweepHostCache } from '../namespace';
import type { Project } from '../project';

interface LoaderInternals {
  _load(request: string, parent: Module | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: Module | undefined, isMain: boolean, options?: unknown): string;
}

/**
 * Routes `require` of the app: a bare specifier that the project routes to a namespace loads through
 * that namespace (one registry per namespace, shared with its ES modules), and `require.resolve`
 * answers with the namespace's file. Requests from namespace files and everything else go to Node.
 */
export function routeRequires(project: Project): void {
  const loader = Module as unknown as LoaderInternals;
  const load = loader._load;
  const resolveFilename = loader._resolveFilename;
  const target = (request: string, parent: Module | undefined): string | null =>
    parent?.filename === undefined || parent.filename === null || Module.isBuiltin(request) ? null : project.route(request, parent.filename);
  // App modules that required into a namespace once; see the sweep below.
  const swept = new WeakSet<Module>();
  loader._load = function routedLoad(this: unknown, request, parent, isMain) {
    const namespace = target(request, parent);
    if (namespace === null) return load.call(this, request, parent, isMain);
    const exports = project.namespace(namespace).require(request);
    if (parent !== undefined && !swept.has(parent)) {
      // When the ESM loader ran this app module, it pre-parsed its re-exports with Node's own
      // resolution and left unloaded stubs of namespace files in require.cache: remove them.
      swept.add(parent);
      sweepHostCache(project.namespace(namespace).root);
    }
    return exports;
  };
  loader._resolveFilename = function routedResolveFilename(this: unknown, request, parent, isMain, options) {
    const namespace = target(request, parent);
    return namespace === null ? resolveFilename.call(this, request, parent, isMain, options) : project.namespace(namespace).resolve(request).path;
  };
}
