import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { namespaceFor } from '../config/route';
import type { ProjectConfig } from '../config/types';
import { InputError } from '../errors';
import type { NamespaceMap, NamespaceMapEntry } from '../install/map';
import { createNamespace, type Namespace } from '../namespace';
import { barePackageName } from '../namespace/bare-name';
import { NamespaceModuleNotFoundError } from '../namespace/errors';
import { type Resolution, ResolveError, ResolverCache, resolveModule, type ResolveOptions } from '../resolver';
import { readMapSync } from './map';

/** Where an import in the project goes: `namespace` is null for the app's own tree and built-ins. */
export type ProjectResolution = Resolution & { namespace: string | null };

export interface Project {
  /** The project directory (the one holding multiverse.json and .multiverse/). */
  readonly dir: string;
  /** Names of the installed namespaces, from .multiverse/map.json. */
  readonly namespaces: readonly string[];
  /** The namespace called `name`, created on first use (one per project object). */
  namespace(name: string): Namespace;
  /** Which file `specifier` loads from `fromFile`, and in which namespace (on the running Node unless `node` names another). */
  resolve(specifier: string, fromFile: string, options?: Pick<ResolveOptions, 'conditions' | 'node'>): ProjectResolution;
  /** The namespace an import of `specifier` from `fromFile` is routed to, or null (not routed). */
  route(specifier: string, fromFile: string): string | null;
  /** The namespace whose tree holds `file`, or null for app files. */
  ownerOf(file: string): string | null;
}

/**
 * Loads the routing of a project from `.multiverse/map.json` (written by `multiverse install`):
 * app files importing a package that a namespace provides go to that namespace (its `scope` globs
 * decide between several), and code inside a namespace resolves only inside it. A project without
 * multiverse.json is a project without namespaces; one whose namespaces were never installed is an
 * error that says to run `multiverse install`.
 */
export function loadProject(dir: string): Project {
  if (typeof dir !== 'string' || dir === '') throw new InputError('EINVALIDOPTIONS', `loadProject needs a project directory, got ${JSON.stringify(dir)}.`);
  const projectDir = path.resolve(dir);
  const map = readMapSync(projectDir);
  if (map === null && existsSync(path.join(projectDir, 'multiverse.json'))) {
    throw new InputError('ENOTINSTALLED', `${projectDir} has a multiverse.json but no .multiverse/map.json: run "multiverse install" in ${projectDir} first.`);
  }
  return new ProjectImpl(projectDir, map ?? { version: 1, namespaces: {} });
}

class ProjectImpl implements Project {
  readonly namespaces: readonly string[];
  private readonly created = new Map<string, Namespace>();
  /**
   * Each namespace's root both as map.json places it under the project directory as given and as
   * its real path: Node names modules by real path, but an editor may open a file through a
   * symlinked project folder, and both must be known as the namespace's.
   */
  private readonly roots: { name: string; given: string; real: string }[];
  private readonly routes = new Map<string, string | null>();
  private readonly cache = new ResolverCache();
  /** The routing rule lives in the config module; the map carries what it needs. */
  private readonly config: ProjectConfig;

  constructor(
    readonly dir: string,
    private readonly map: NamespaceMap,
  ) {
    this.namespaces = Object.keys(map.namespaces);
    this.roots = this.namespaces.map((name) => {
      const given = path.resolve(dir, this.entry(name).root);
      return { name, given, real: realRoot(given) };
    });
    this.config = {
      file: path.join(dir, 'multiverse.json'),
      extensions: {},
      namespaces: Object.fromEntries(
        Object.entries(map.namespaces).map(([name, entry]) => [name, { dependencies: entry.packages, shared: entry.shared, scope: entry.scope }]),
      ),
    };
  }

  namespace(name: string): Namespace {
    let namespace = this.created.get(name);
    if (namespace === undefined) {
      const entry = this.entry(name);
      namespace = createNamespace({ name, root: path.resolve(this.dir, entry.root), shared: entry.shared, host: this.dir });
      this.created.set(name, namespace);
    }
    return namespace;
  }

  resolve(specifier: string, fromFile: string, options: Pick<ResolveOptions, 'conditions' | 'node'> = {}): ProjectResolution {
    const from = toPath(fromFile);
    const rules = { conditions: options.conditions ?? 'require', node: options.node };
    const owner = this.ownership(from);
    const name = barePackageName(specifier);
    if (owner !== null) {
      if (name !== null && this.entry(owner.name).shared.includes(name)) return this.inApp(specifier, path.join(this.dir, 'package.json'), rules);
      // Bounded by the root in the form the file's path uses, so the lookup stays inside the tree.
      const resolution = this.inNamespace(owner.name, owner.root, specifier, from, from, rules);
      return { ...resolution, namespace: resolution.builtin ? null : owner.name };
    }
    const routed = this.route(specifier, from);
    if (routed === null) return this.inApp(specifier, from, rules);
    const root = this.rootOf(routed);
    return { ...this.inNamespace(routed, root, specifier, path.join(root, 'package.json'), from, rules), namespace: routed };
  }

  route(specifier: string, fromFile: string): string | null {
    const name = barePackageName(specifier);
    if (name === null || this.namespaces.length === 0) return null;
    const from = toPath(fromFile);
    const key = `${path.dirname(from)}\0${name}`;
    let routed = this.routes.get(key);
    if (routed === undefined) {
      routed = this.ownership(from) !== null ? null : namespaceFor(this.config, name, path.relative(this.dir, from).split(path.sep).join('/'));
      this.routes.set(key, routed);
    }
    return routed;
  }

  ownerOf(file: string): string | null {
    return this.ownership(toPath(file))?.name ?? null;
  }

  /** The namespace whose tree holds `file`, with the form of its root that `file` is under. */
  private ownership(file: string): { name: string; root: string } | null {
    for (const { name, given, real } of this.roots) {
      const root = [real, given].find((r) => file === r || file.startsWith(r + path.sep));
      if (root !== undefined) return { name, root };
    }
    return null;
  }

  /**
   * Resolves inside namespace `name`'s tree from `anchor`; a failure is the namespace's own error
   * (what the program gets at run time), reported against the file that imports, `from`.
   */
  private inNamespace(name: string, root: string, specifier: string, anchor: string, from: string, rules: ResolveOptions): Resolution {
    try {
      return resolveModule(specifier, anchor, { ...rules, boundary: root, cache: this.cache });
    } catch (error) {
      if (error instanceof ResolveError && error.code === 'MODULE_NOT_FOUND') throw new NamespaceModuleNotFoundError(name, root, specifier, from, error);
      throw error;
    }
  }

  private inApp(specifier: string, from: string, rules: ResolveOptions): ProjectResolution {
    return { ...resolveModule(specifier, from, { ...rules, cache: this.cache }), namespace: null };
  }

  private rootOf(name: string): string {
    return (this.roots.find((r) => r.name === name) as { real: string }).real;
  }

  private entry(name: string): NamespaceMapEntry {
    const entry = this.map.namespaces[name];
    if (entry === undefined) {
      throw new InputError('EUNKNOWNNAMESPACE', `No namespace "${name}" in ${path.join(this.dir, '.multiverse', 'map.json')}; installed namespaces: ${this.namespaces.join(', ') || 'none'}.`);
    }
    return entry;
  }
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

function toPath(file: string): string {
  const resolved = file.startsWith('file:') ? fileURLToPath(file) : file;
  if (!path.isAbsolute(resolved)) throw new InputError('ERR_INVALID_ARG_VALUE', `The importing file must be an absolute path or a file: URL, got ${JSON.stringify(file)}.`);
  return resolved;
}
