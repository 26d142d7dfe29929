import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Resolution, ResolverCache } from '../resolver';
import { staticEsmGraph } from './esm-graph';
import { createMirror, removeMirror } from './mirror';
import { claimDirectory, isFresh, loadNatively, sweepHostCache } from './path-router';

/** What the `paths` strategy needs from its namespace. */
export interface DirectoryEsmOwner {
  readonly name: string;
  readonly root: string;
  /** Shared package name → the app's directory of it (symlinked into a copy). */
  sharedPackageDirs(): Map<string, string>;
  readonly needsCopy: boolean;
  readonly hostAnchor: string;
  loadCommonJsForEsm(file: string): unknown;
  requireFromFile(request: string, fromFile: string): unknown;
}

/**
 * The `paths` ESM strategy of one namespace: Node's own loader imports files from a directory only
 * this namespace uses (the root, or a hard-linked copy of it), so everything those ES modules
 * import stays in the namespace with no hooks. See runtime/README.md.
 */
export class DirectoryEsm {
  private directory: { dir: string; release(): void } | null = null;
  /** ES modules the namespace imported or required itself (paths under the root). */
  private readonly entries = new Set<string>();

  constructor(private readonly owner: DirectoryEsmOwner) {}

  async import(resolution: Resolution, options?: ImportCallOptions): Promise<unknown> {
    const dir = this.claim();
    let namespace: unknown;
    try {
      namespace = await import(pathToFileURL(this.loadedPath(resolution.path)).href, options);
    } catch (error) {
      // Node's message names the file but not the namespace whose tree lacked the package.
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
        (error as Error).message =
          `In namespace "${this.owner.name}" (root ${this.owner.root}): ${(error as Error).message}; namespace "${this.owner.name}" resolves packages only from ${this.owner.root}/node_modules: ` +
          `add the package to its dependencies (and run "multiverse install"), or list it in "shared" to use the app's copy.`;
      }
      throw error;
    } finally {
      sweepHostCache(dir);
    }
    if (resolution.format === 'module' || resolution.format === 'json') this.entries.add(resolution.path);
    return namespace;
  }

  /** `require(esm)` (Node 20.19+): Node loads the ES module from the namespace directory. */
  require(file: string): unknown {
    const dir = this.claim();
    try {
      const namespace = loadNatively(this.loadedPath(file));
      this.entries.add(file);
      return namespace;
    } finally {
      // Node files the ES module in require.cache too; the namespace registry holds it instead.
      sweepHostCache(dir);
    }
  }

  /** The ES modules loaded so far: the entries and what they import statically. */
  loaded(cache: ResolverCache): Resolution[] {
    return this.entries.size === 0 ? [] : staticEsmGraph(this.entries, this.owner.root, cache);
  }

  /**
   * The directory ES modules load from, claimed on first use: the root itself when no namespace
   * has loaded from it yet and nothing can leak from it, else a hard-linked copy (ES modules are
   * cached by path for good, so a used directory would hand out stale instances). Shared packages
   * always need a copy, whose node_modules points them at the app's directories. So does a root
   * with a node_modules folder above it, as `.multiverse/<ns>` has in a project: Node's resolver
   * walks up from the importing file, and a package missing from the tree would load from the
   * app's node_modules, where `require` in the namespace refuses it.
   */
  claim(): string {
    if (this.directory === null) {
      const { root } = this.owner;
      const copy = this.owner.needsCopy || !isFresh(root) || hasNodeModulesAbove(root);
      const dir = copy ? createMirror(root, this.owner.name, this.owner.sharedPackageDirs()) : root;
      const release = claimDirectory(dir, root, this.owner);
      this.directory = {
        dir,
        release: () => {
          release();
          if (dir !== root) removeMirror(dir);
        },
      };
    }
    return this.directory.dir;
  }

  release(): void {
    this.directory?.release();
  }

  private loadedPath(file: string): string {
    const dir = this.claim();
    return dir === this.owner.root ? file : dir + file.slice(this.owner.root.length);
  }
}

/** Whether a `node_modules` folder exists in a directory above `root`, where Node's lookups would reach. */
function hasNodeModulesAbove(root: string): boolean {
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return true;
    if (dir === path.dirname(dir)) return false;
  }
}
