import * as path from 'node:path';
import { detectProjectNode } from './project-node';
import type { NodeInfo, NodeSettings, ResolveResult } from './protocol';
import { runtimeSkew, type RuntimeSkew } from './workspace-runtime';
import { ConfigError, loadProject, type Project as Routing } from 'multiverse';
import { analyzeProject, ManifestError, ResolverCache, type AnalyzeOptions, type PackageNode, type ProjectAnalysis, type TreeGraph } from 'multiverse/tooling';

/** A package copy located in one of the project's trees. */
export interface LocatedNode {
  graph: TreeGraph;
  node: PackageNode;
}

/** An input error that stopped the latest analysis: shown as diagnostics, the previous analysis stays. */
export interface InputProblem {
  file: string;
  /** Every problem found in the file (a config reports several); 1-based positions. */
  problems: { line: number; column: number; message: string }[];
}

/** Analysis results indexed for the questions the editor asks on every hover. */
export class AnalysisIndex {
  private readonly byPath = new Map<string, LocatedNode>();
  private byName: Map<string, LocatedNode[]> | undefined;
  /** Answers about imports, per file, specifier and conditions: hovering the same import again is a lookup. */
  readonly describedImports = new Map<string, ResolveResult>();
  /** File-system answers for resolution, valid as long as this analysis is (dropped on re-analysis). */
  readonly resolverCache = new ResolverCache();
  /**
   * The runtime's routing of imports for this project, as installed (`.multiverse/map.json`);
   * `null` when namespaces are declared but not installed, which the diagnostics report.
   */
  readonly routing: Routing | null;
  /** The folder's installed `multiverse` when it is not the version the server analyses with. */
  readonly runtimeSkew: RuntimeSkew | null;

  constructor(
    readonly analysis: ProjectAnalysis,
    readonly generation: number,
    /** The Node that runs the project: every answer follows its rules. */
    readonly node: NodeInfo,
  ) {
    this.routing = routingOf(analysis.projectDir);
    this.runtimeSkew = runtimeSkew(analysis.projectDir);
    for (const graph of [analysis.main, ...analysis.namespaces]) {
      for (const node of graph.nodes) if (!this.byPath.has(node.path)) this.byPath.set(node.path, { graph, node });
    }
  }

  /** Every installed copy of a package in the project's trees, by package name. */
  copiesOf(name: string): LocatedNode[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const graph of [this.analysis.main, ...this.analysis.namespaces]) {
        for (const node of graph.nodes) {
          if (node.isRoot) continue;
          const list = this.byName.get(node.name);
          if (list) list.push({ graph, node });
          else this.byName.set(node.name, [{ graph, node }]);
        }
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** The package copy whose folder is `dir` (a resolution's `packageRoot`). */
  nodeAtPath(dir: string): LocatedNode | undefined {
    return this.byPath.get(dir);
  }

  /** The innermost project package (root or workspace) that contains `file`: whose package.json governs it. */
  owningProjectPackage(file: string): PackageNode | undefined {
    let best: PackageNode | undefined;
    for (const node of this.analysis.main.nodes) {
      if (!(node.isRoot || node.isWorkspace)) continue;
      if (isInside(file, node.path) && (!best || node.path.length > best.path.length)) best = node;
    }
    return best;
  }

  graphOf(namespace: string | null): TreeGraph | undefined {
    if (namespace === null) return this.analysis.main;
    return this.analysis.namespaces.find((g) => g.namespace === namespace);
  }
}

function routingOf(projectDir: string): Routing | null {
  try {
    return loadProject(projectDir);
  } catch {
    return null;
  }
}

export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface ProjectEvents {
  /** A new analysis replaced the previous one, or an input problem appeared or went away. */
  onChanged(project: Project): void;
  log(message: string): void;
}

/**
 * One workspace folder: its latest good analysis, the input problem (if any) that keeps a newer one
 * from being made, and a debounced, cancellable refresh. Refreshes never overlap: a new request
 * aborts the running one, whose result is then discarded, so a burst of file events costs one
 * analysis and an old answer can never overwrite a newer one.
 */
export class Project {
  index: AnalysisIndex | undefined;
  problem: InputProblem | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;
  private current: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly dir: string,
    readonly uri: string,
    private readonly events: ProjectEvents,
    private readonly options: () => Pick<AnalyzeOptions, 'singletons'> & { node: NodeSettings },
  ) {}

  /** Re-analyses after `delay` ms; calls within the delay collapse into one. */
  schedule(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.running?.abort(new Error('superseded by a newer change'));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.refresh();
    }, delay);
  }

  /** Resolves when no refresh is pending or running (the analysis is as fresh as the last change). */
  async settled(): Promise<void> {
    while (this.timer !== undefined || this.running !== undefined) {
      if (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      else await this.current;
    }
  }

  /** Analyses now (cancelling a running analysis) and resolves when done. */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    this.running?.abort(new Error('superseded by a newer change'));
    const controller = new AbortController();
    this.running = controller;
    const generation = ++this.generation;
    const started = performance.now();
    try {
      const { singletons, node: nodeSettings } = this.options();
      const [analysis, node] = await Promise.all([analyzeProject(this.dir, { singletons, signal: controller.signal }), detectProjectNode(this.dir, nodeSettings)]);
      if (controller.signal.aborted || this.disposed) return;
      this.index = new AnalysisIndex(analysis, generation, node);
      this.problem = undefined;
      this.events.log(`Analysed ${this.dir} in ${Math.round(performance.now() - started)} ms: ${analysis.main.nodes.length - 1} packages (as ${analysis.main.manager} sees them), ${analysis.namespaces.length} namespace tree(s), ${analysis.conflicts.length} conflict(s); answers for Node ${node.version} (${node.source})`);
    } catch (error) {
      if (controller.signal.aborted || this.disposed) return;
      this.problem = inputProblem(error);
      if (!this.problem) this.events.log(`Analysis of ${this.dir} failed; keeping the previous results: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      if (this.running === controller) this.running = undefined;
    }
    this.events.onChanged(this);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort(new Error('workspace folder removed'));
  }
}

function inputProblem(error: unknown): InputProblem | undefined {
  if (error instanceof ConfigError) return { file: error.file, problems: error.problems.map((p) => ({ line: p.line, column: p.column, message: p.message })) };
  if (error instanceof ManifestError) return { file: error.file, problems: [{ line: error.line, column: error.column, message: error.message }] };
  return undefined;
}
