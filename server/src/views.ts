import { childrenOf, nodeAt } from 'multiverse/tooling';
import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { DocumentStore } from './documents';
import type { JsonLocator } from './json-locations';
import type { AnalysisIndex } from './project';
import type { ConflictItem, FolderNamespaces, TreeParams, TreeResult } from './protocol';

/** `multiverse/namespaces` for one folder: every namespace of multiverse.json with its state. */
export function namespacesView(folder: string, index: AnalysisIndex): FolderNamespaces {
  const { analysis } = index;
  return {
    folder,
    config: analysis.configFile ? URI.file(analysis.configFile).toString() : null,
    mainPackageCount: analysis.main.nodes.length - 1,
    namespaces: analysis.namespaceSummaries.map((ns) => ({
      name: ns.name,
      state: ns.state,
      staleReason: ns.staleReason,
      root: URI.file(ns.root).toString(),
      dependencies: ns.dependencies,
      shared: ns.shared,
      scope: ns.scope,
      packageCount: Math.max(0, (index.graphOf(ns.name)?.nodes.length ?? 1) - 1),
    })),
  };
}

/**
 * `multiverse/tree`: one level of a tree, one page at a time, so a view of a 2,000-package tree
 * sends only what is expanded. Ids are node ids of the analysis `generation`.
 */
export function treeView(index: AnalysisIndex, params: TreeParams): TreeResult {
  const graph = index.graphOf(params.namespace ?? null);
  if (!graph) throw new ResponseError(ErrorCodes.InvalidParams, `no installed namespace "${params.namespace ?? ''}" in ${index.analysis.projectDir}`);
  const parent = params.parent ?? 0;
  if (!Number.isInteger(parent) || parent < 0 || parent >= graph.nodes.length) {
    throw new ResponseError(ErrorCodes.InvalidParams, `no package ${parent} in this tree (generation ${index.generation}); refresh the view`);
  }
  const offset = Math.max(0, params.offset ?? 0);
  const limit = Math.min(1000, Math.max(1, params.limit ?? 200));
  const all = childrenOf(graph, parent);
  const items = all.slice(offset, offset + limit).map((entry) => ({
    id: entry.node,
    name: entry.name,
    version: entry.version,
    spec: entry.spec,
    type: entry.type,
    problem: entry.problem,
    uri: entry.node === null ? null : URI.file(nodeAt(graph, entry.node).path).toString(),
    childCount: entry.childCount,
  }));
  return { items, total: all.length, nextOffset: offset + limit < all.length ? offset + limit : null, generation: index.generation };
}

/** `multiverse/conflicts` for one folder, each conflict with the manifest ranges where it can be fixed. */
export async function conflictsView(index: AnalysisIndex, documents: DocumentStore, locator: JsonLocator): Promise<ConflictItem[]> {
  const items: ConflictItem[] = [];
  for (const conflict of index.analysis.conflicts) {
    const locations = [];
    for (const anchor of conflict.anchors) {
      const uri = URI.file(anchor.file).toString();
      const document = await documents.read(uri);
      const range = document && locator.rangeOf(document, anchor.jsonPath);
      if (range) locations.push({ uri, range });
    }
    items.push({
      kind: conflict.kind,
      severity: conflict.severity,
      package: conflict.package,
      namespace: conflict.namespace,
      versions: conflict.versions,
      dependents: conflict.dependents.map((d) => ({ name: d.name, version: d.version, spec: d.spec, type: d.type })),
      message: conflict.message,
      locations,
      copies: conflict.paths.map((p) => URI.file(p).toString()),
    });
  }
  return items;
}
