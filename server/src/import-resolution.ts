import * as path from 'node:path';
import type { ProjectResolution } from 'multiverse';
import { namespaceFor, resolveModule } from 'multiverse/tooling';
import { packageNameOf } from './imports';
import { isInside, type AnalysisIndex, type LocatedNode } from './project';

export interface ImportResolution {
  resolution: ProjectResolution;
  /** The installed copy the file belongs to (`undefined` for built-ins and project files). */
  copy: LocatedNode | undefined;
}

/**
 * Resolves `specifier` imported from `fromFile` exactly as the program will at run time, on the
 * project's Node (`index.node`, not the editor's, which runs this server): through the
 * runtime's own project routing (`loadProject(dir).resolve`: app code importing a package a
 * namespace provides goes to that namespace, code inside a namespace stays inside it), or with the
 * runtime's resolver alone when the project's namespaces are not installed (then Node's lookup is
 * what runs). Throws the resolver's error when nothing is found.
 */
export function resolveImport(index: AnalysisIndex, fromFile: string, specifier: string, conditions: 'import' | 'require'): ImportResolution {
  const node = index.node.version;
  const resolution: ProjectResolution = index.routing
    ? index.routing.resolve(specifier, fromFile, { conditions, node })
    : { ...resolveModule(specifier, fromFile, { conditions, node, cache: index.resolverCache }), namespace: null, kind: 'main', owner: null };
  const copy = resolution.packageRoot === null ? undefined : index.nodeAtPath(resolution.packageRoot);
  return { resolution, copy: copy && !copy.node.isRoot ? copy : undefined };
}

/**
 * The namespace multiverse.json routes an app file's import to, installed or not (`null` when no
 * namespace declares the package). Throws when two namespaces' scopes both match the file.
 */
export function declaredRoute(index: AnalysisIndex, fromFile: string, specifier: string): string | null {
  const { analysis } = index;
  const name = packageNameOf(specifier);
  if (name === null || analysis.config === null || !isInside(fromFile, analysis.projectDir)) return null;
  const relative = path.relative(analysis.projectDir, fromFile).split(path.sep).join('/');
  return namespaceFor(analysis.config, name, relative);
}
