import { parseArgs } from 'node:util';
import { analyzeProject, childrenOf, nodeAt, type ProjectAnalysis, type TreeEntry, type TreeGraph } from '../analysis';
import { InputError } from '../errors';
import { EXIT_OK, type Command } from './command';
import { countOption, projectDir, projectHelp, projectOption } from './project-option';

/** `multiverse tree [namespace]`: the dependency tree of the project or of one namespace, like npm ls. */
export const treeCommand: Command = {
  help: `Usage: multiverse tree [namespace] [--depth <n>] [--json] [-C <dir>]

Prints the installed dependency tree of the project (or of the namespace tree <namespace> from
multiverse.json) as npm ls --all does: a package already printed higher up is marked "deduped",
problems are marked MISSING, INVALID or PEER LOCAL.

Options:
      --depth <n>        print at most <n> levels below the root (default: all)
      --json             print nested JSON: {name, version, dependencies: {<name>: {...}}}
${projectHelp}

Exit codes: 0 printed, 2 usage or input errors (an unknown namespace).
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, depth: { type: 'string' }, ...projectOption },
    });
    if (positionals.length > 1) throw new InputError('EUSAGE', `expects at most one namespace name, got ${positionals.length}`);
    const depth = countOption('depth', values.depth, Number.POSITIVE_INFINITY);
    const dir = await projectDir(values.project, io.cwd);
    const graph = pickTree(await analyzeProject(dir), positionals[0]);
    io.stdout.write(values.json ? `${JSON.stringify(toJson(graph, depth), null, 2)}\n` : renderText(graph, depth));
    return EXIT_OK;
  },
};

function pickTree(analysis: ProjectAnalysis, namespace: string | undefined): TreeGraph {
  if (namespace === undefined) return analysis.main;
  const tree = analysis.namespaces.find((t) => t.namespace === namespace);
  if (tree) return tree;
  const declared = analysis.namespaceSummaries.find((n) => n.name === namespace);
  if (declared) throw new InputError('ENOTINSTALLED', `namespace "${namespace}" is declared in multiverse.json but not installed. Run "multiverse install".`);
  const known = analysis.namespaceSummaries.map((n) => `"${n.name}"`).join(', ') || 'none';
  throw new InputError('EUNKNOWNNAMESPACE', `no namespace "${namespace}" in multiverse.json (namespaces: ${known}).`);
}

function label(entry: TreeEntry): string {
  if (entry.node === null) return `${entry.name}@${entry.spec} MISSING`;
  const problem = entry.problem ? ` ${entry.problem} (wants "${entry.spec}")` : '';
  return `${entry.name}@${entry.version ?? ''}${problem}`;
}

function renderText(graph: TreeGraph, depth: number): string {
  const root = nodeAt(graph, 0);
  const lines = [`${root.name}${root.version ? `@${root.version}` : ''} ${graph.root}${graph.namespace === null ? '' : ` (namespace ${graph.namespace})`}`];
  const printed = new Set<number>([0]);
  const walk = (nodeId: number, prefix: string, level: number): void => {
    const children = childrenOf(graph, nodeId);
    children.forEach((entry, i) => {
      const last = i === children.length - 1;
      const deduped = entry.node !== null && printed.has(entry.node);
      lines.push(`${prefix}${last ? '└── ' : '├── '}${label(entry)}${deduped && entry.childCount > 0 ? ' deduped' : ''}`);
      if (entry.node === null || deduped) return;
      printed.add(entry.node);
      if (level < depth) walk(entry.node, `${prefix}${last ? '    ' : '│   '}`, level + 1);
    });
  };
  if (depth > 0) walk(0, '', 1);
  return `${lines.join('\n')}\n`;
}

interface JsonEntry {
  version?: string;
  location?: string;
  spec: string;
  problem?: string;
  deduped?: true;
  dependencies?: Record<string, JsonEntry>;
}

function toJson(graph: TreeGraph, depth: number): { name: string; version: string; namespace: string | null; root: string; dependencies: Record<string, JsonEntry> } {
  const root = nodeAt(graph, 0);
  const printed = new Set<number>([0]);
  const walk = (nodeId: number, level: number): Record<string, JsonEntry> => {
    const out: Record<string, JsonEntry> = {};
    for (const entry of childrenOf(graph, nodeId)) {
      const json: JsonEntry = { spec: entry.spec };
      if (entry.version !== null) json.version = entry.version;
      if (entry.location !== null) json.location = entry.location;
      if (entry.problem !== null) json.problem = entry.problem;
      if (entry.node !== null && printed.has(entry.node)) {
        if (entry.childCount > 0) json.deduped = true;
      } else if (entry.node !== null) {
        printed.add(entry.node);
        if (level < depth && entry.childCount > 0) json.dependencies = walk(entry.node, level + 1);
      }
      out[entry.name] = json;
    }
    return out;
  };
  return { name: root.name, version: root.version, namespace: graph.namespace, root: graph.root, dependencies: depth > 0 ? walk(0, 1) : {} };
}
