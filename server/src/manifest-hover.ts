import * as path from 'node:path';
import { dependencyChains, edgeAt, formatChain, nodeAt, type TreeGraph } from 'multiverse/tooling';
import type { Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonLocator } from './json-locations';
import { treeName } from './resolve-info';
import type { AnalysisIndex } from './project';

const DEPENDENCY_FIELDS = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']);

/**
 * Hover on a dependency entry of package.json or of a namespace in multiverse.json: which copy that
 * entry installed, whether it satisfies the range, and the other copies of the package.
 */
export function manifestHover(document: TextDocument, file: string, offset: number, index: AnalysisIndex, locator: JsonLocator): Hover | null {
  const jsonPath = locator.pathAt(document, offset);
  if (!jsonPath) return null;
  const { analysis } = index;
  let graph: TreeGraph | undefined;
  let owner: number | undefined;
  let name: string | undefined;
  if (path.basename(file) === 'package.json' && jsonPath.length === 2 && DEPENDENCY_FIELDS.has(jsonPath[0] ?? '')) {
    graph = analysis.main;
    owner = graph.nodes.find((n) => (n.isRoot || n.isWorkspace) && path.join(n.path, 'package.json') === file)?.id;
    name = jsonPath[1];
  } else if (file === analysis.configFile && jsonPath.length === 4 && jsonPath[0] === 'namespaces' && jsonPath[2] === 'dependencies') {
    graph = index.graphOf(jsonPath[1] ?? '');
    owner = graph ? 0 : undefined;
    name = jsonPath[3];
  }
  if (!graph || owner === undefined || name === undefined) return null;
  const edge = nodeAt(graph, owner)
    .edgesOut.map((id) => edgeAt(graph, id))
    .find((e) => e.name === name);
  if (!edge) return null;
  const tree = treeName(graph.namespace === null ? 'main' : 'namespace', graph.namespace);
  const lines: string[] = [];
  if (edge.to === null) {
    lines.push(`${tree} · **${name}** is not installed (wants \`${edge.spec}\`)`);
  } else {
    const copy = nodeAt(graph, edge.to);
    const verdict = edge.problem === null ? 'satisfies' : `${edge.problem}: does not satisfy`;
    lines.push(`${tree} · **${copy.name}@${copy.version}** · ${verdict} \`${edge.spec}\``, '', `\`${copy.location}\``);
    const others = index
      .copiesOf(copy.name)
      .filter((c) => c.node !== copy)
      .map(({ graph: g, node: n }) => `${n.version} (${treeName(g.namespace === null ? 'main' : 'namespace', g.namespace)}) via \`${formatChain(g, dependencyChains(g, n.id, 1)[0] ?? [])}\``);
    const shown = others.slice(0, 5).join(', ');
    if (others.length > 0) lines.push('', `Other copies: ${shown}${others.length > 5 ? `, and ${others.length - 5} more` : ''}`);
  }
  return { contents: { kind: 'markdown', value: lines.join('\n') } };
}
