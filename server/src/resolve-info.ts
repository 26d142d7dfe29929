import * as path from 'node:path';
import { dependencyChains, formatChain, nodeFeatures } from 'multiverse/tooling';
import type { MarkupContent } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { resolveImport } from './import-resolution';
import { packageNameOf } from './imports';
import type { AnalysisIndex } from './project';
import type { PackageCopy, ResolveResult } from './protocol';
import type { RuntimeSkew } from './workspace-runtime';

/**
 * Everything the editor shows about one import: which copy, from which tree, why it is there and
 * which other copies exist. Shared by hover, go to definition and `multiverse/resolve`.
 * Throws the resolver's error when the import cannot be resolved.
 */
export function describeImport(index: AnalysisIndex, fromFile: string, specifier: string, conditions: 'import' | 'require'): ResolveResult {
  const key = `${fromFile}\0${specifier}\0${conditions}`;
  const known = index.describedImports.get(key);
  if (known) return known;
  const { resolution, copy } = resolveImport(index, fromFile, specifier, conditions);
  const features = nodeFeatures(index.node.version);
  const chains = copy ? dependencyChains(copy.graph, copy.node.id, 3).map((chain) => formatChain(copy.graph, chain)) : [];
  const name = resolution.packageName ?? packageNameOf(specifier);
  const otherCopies: PackageCopy[] =
    name === null || resolution.builtin
      ? []
      : index
          .copiesOf(name)
          .filter((c) => c.node !== copy?.node)
          .map((c) => ({ namespace: c.graph.namespace, version: c.node.version, uri: URI.file(c.node.path).toString() }));
  const result: ResolveResult = {
    specifier,
    namespace: resolution.namespace,
    kind: resolution.kind,
    owner: resolution.owner,
    packageName: resolution.packageName,
    version: copy?.node.version ?? resolution.version,
    uri: resolution.builtin ? resolution.path : URI.file(resolution.path).toString(),
    builtin: resolution.builtin,
    format: resolution.format,
    chains,
    otherCopies,
    rules: { node: features.version, loader: conditions, conditions: [...features.conditions[conditions]] },
  };
  index.describedImports.set(key, result);
  return result;
}

/**
 * Hover text: tree, package@version, the file as a link, why it is there, the other copies, the
 * rules of the answer (the project's Node, the loader, the conditions); and, when the project runs
 * another `multiverse` than the server's, which one.
 */
export function hoverMarkdown(result: ResolveResult, projectDir: string, skew: RuntimeSkew | null = null): MarkupContent {
  const note = skew === null ? '' : `\n\n_This project runs multiverse ${skew.workspace}; the editor resolved this with its bundled multiverse ${skew.bundled}._`;
  const rules = `Node ${result.rules.node} · ${result.rules.loader} · conditions ${result.rules.conditions.join(', ')}`;
  if (result.builtin) return { kind: 'markdown', value: `Node.js built-in \`${result.uri}\`\n\n${rules}${note}` };
  const tree = treeName(result.kind, result.owner);
  const pkg = result.packageName ? `**${result.packageName}@${result.version ?? '?'}**` : '**project file**';
  const file = URI.parse(result.uri).fsPath;
  const lines = [`${tree} · ${pkg} · ${result.format}`, '', `[${escape(path.relative(projectDir, file) || file)}](${result.uri})`];
  if (result.chains.length > 0) lines.push('', `Required by: ${result.chains.map((c) => `\`${c}\``).join(', ')}`);
  if (result.otherCopies.length > 0) {
    // Big trees repeat a version in many folders: one entry per version and tree, with a count.
    const counts = new Map<string, number>();
    for (const c of result.otherCopies) {
      const label = `${result.packageName ?? ''}@${c.version} (${treeName(c.namespace === null ? 'main' : 'namespace', c.namespace)})`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    lines.push('', `Other copies: ${[...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label)).join(', ')}`);
  }
  lines.push('', rules);
  return { kind: 'markdown', value: `${lines.join('\n')}${note}` };
}

/** How hovers name a tree: "main tree", "namespace `legacy`", "extension `legacy-report`". */
export function treeName(kind: ResolveResult['kind'], owner: string | null): string {
  return kind === 'main' || owner === null ? 'main tree' : `${kind} \`${owner}\``;
}

function escape(text: string): string {
  return text.replace(/[\\`*_[\]()]/g, '\\$&');
}
