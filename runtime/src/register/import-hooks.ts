import { isBuiltin } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResolveContext } from '../loader-hooks';
import { loadProject, type Project } from '../project';

/*
 * Loader hooks of `multiverse/register` for the app's ES modules: an import the project routes to a
 * namespace resolves to the file in that namespace's directory, where Node's own loader keeps
 * everything it imports inside the namespace. Imports from namespace files and unrouted imports go
 * to Node untouched. One function serves Node's synchronous in-thread hooks and Node 20's
 * asynchronous ones: it returns `next(...)` as it comes.
 */

export interface RoutingData {
  projectDir: string;
  /** Per namespace: the root and the directory its ES modules load from (the root or a copy). */
  directories: Record<string, { root: string; dir: string }>;
}

export function routeImport<R>(
  project: Project,
  directories: RoutingData['directories'],
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context?: ResolveContext) => R,
): R | { url: string; shortCircuit: true } {
  const parent = context.parentURL;
  if (parent === undefined || !parent.startsWith('file:') || isBuiltin(specifier)) return next(specifier, context);
  const from = fileURLToPath(parent);
  const namespace = project.route(specifier, from);
  const place = namespace === null ? undefined : directories[namespace];
  if (namespace === null || place === undefined) return next(specifier, context);
  const file = project.resolve(specifier, from, { conditions: 'import' }).path;
  const loaded = place.dir === place.root ? file : place.dir + file.slice(place.root.length);
  return { url: pathToFileURL(loaded).href, shortCircuit: true };
}

// The module.register() entry points (Node 20: the hooks run on a thread of their own, with their own project).

let project: Project | null = null;
let directories: RoutingData['directories'] = {};

export function initialize(data: RoutingData): void {
  project = loadProject(data.projectDir);
  directories = data.directories;
}

export async function resolve<R>(specifier: string, context: ResolveContext, next: (specifier: string, context?: ResolveContext) => Promise<R>): Promise<R | { url: string; shortCircuit: true }> {
  return project === null ? next(specifier, context) : routeImport(project, directories, specifier, context, next);
}
