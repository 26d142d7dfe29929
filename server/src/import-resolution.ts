import * as path from 'node:path';
import { namespaceFor, namespaceDir, resolveModule, type Resolution } from 'multiverse';
import { packageNameOf } from './imports';
import { isInside, type AnalysisIndex, type LocatedNode } from './project';

export interface ImportResolution {
  resolution: Resolution;
  /** The namespace whose tree serves the import; `null` for the main tree. */
  namespace: string | null;
  /** The installed copy the file belongs to (`undefined` for built-ins and project files). */
  copy: LocatedNode | undefined;
}

/**
 * Resolves `specifier` imported from `fromFile` the way the program will at run time: code inside a
 * namespace tree resolves within it; app code importing a package a namespace declares goes to that
 * namespace (scope globs decide between several, as multiverse.json routing does); everything else
 * follows Node. The file-level answer always comes from the runtime's own resolver.
 * Throws the resolver's `ResolveError` when nothing is found.
 */
export function resolveImport(index: AnalysisIndex, fromFile: string, specifier: string, conditions: 'import' | 'require'): ImportResolution {
  const { analysis, resolverCache: cache } = index;
  const namespace = namespaceOfImport(index, fromFile, specifier);
  let resolution: Resolution;
  if (namespace !== null && !isInside(fromFile, namespaceDir(analysis.projectDir, namespace))) {
    // App code routed into a namespace: resolve as if imported from the namespace's root.
    const root = namespaceDir(analysis.projectDir, namespace);
    resolution = resolveModule(specifier, path.join(root, 'package.json'), { conditions, boundary: root, cache });
  } else {
    const boundary = namespace === null ? undefined : namespaceDir(analysis.projectDir, namespace);
    resolution = resolveModule(specifier, fromFile, { conditions, boundary, cache });
  }
  const copy = resolution.packageRoot === null ? undefined : index.nodeAtPath(resolution.packageRoot);
  return { resolution, namespace: copy?.graph.namespace ?? namespace, copy: copy && !copy.node.isRoot ? copy : undefined };
}

/** The namespace that serves an import from `fromFile`, or `null` for the main tree. */
export function namespaceOfImport(index: AnalysisIndex, fromFile: string, specifier: string): string | null {
  const { analysis } = index;
  for (const summary of analysis.namespaceSummaries) {
    if (isInside(fromFile, summary.root)) {
      const name = packageNameOf(specifier);
      // A namespace's `shared` packages come from the app's tree.
      return name !== null && summary.shared.includes(name) ? null : summary.name;
    }
  }
  const namespace = declaredRoute(index, fromFile, specifier);
  // Routing only applies once the namespace exists; until then Node's own lookup is what runs.
  return namespace !== null && index.graphOf(namespace) ? namespace : null;
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
