import { copiesOf, dependencyChains, formatChain } from './graph';
import type { ProjectAnalysis } from './types';

export interface CopyExplanation {
  package: string;
  version: string;
  /** `null` for the main tree. */
  namespace: string | null;
  location: string;
  path: string;
  /** Dependency chains from the tree's root, rendered `(root) > a@1.0.0 > pkg@2.0.0`, shortest first. */
  chains: string[];
}

export interface PackageExplanation {
  package: string;
  copies: CopyExplanation[];
  /** Namespaces whose multiverse.json entry declares the package. */
  declaredIn: { namespace: string; spec: string }[];
}

/** Every copy of `name` in every tree of the project, with why each one is there. */
export function explainPackage(analysis: ProjectAnalysis, name: string, chainLimit = 5): PackageExplanation {
  const copies: CopyExplanation[] = [];
  for (const graph of [analysis.main, ...analysis.namespaces]) {
    for (const node of copiesOf(graph, name)) {
      copies.push({
        package: node.name,
        version: node.version,
        namespace: graph.namespace,
        location: node.location,
        path: node.path,
        chains: dependencyChains(graph, node.id, chainLimit).map((chain) => formatChain(graph, chain)),
      });
    }
  }
  const declaredIn = analysis.namespaceSummaries.flatMap((ns) => {
    const spec = ns.dependencies[name];
    return spec === undefined ? [] : [{ namespace: ns.name, spec }];
  });
  return { package: name, copies, declaredIn };
}
