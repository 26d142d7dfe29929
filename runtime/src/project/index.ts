import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE, parseConfig } from '../config';
import { namespaceFor } from '../config/route';
import type { ExtensionConfig, ProjectConfig } from '../config/types';
import { InputError } from '../errors';
import { extensionTreeDir } from '../extensions/tree-dir';
import type { NamespaceMap, NamespaceMapEntry } from '../install/map';
import { createNamespace, type Namespace } from '../namespace';
import { barePackageName } from '../namespace/bare-name';
import { NamespaceModuleNotFoundError } from '../namespace/errors';
import { resolveInside } from '../paths';
import { readTextIfExistsSync } from '../read-optional';
import { type Resolution, ResolveError, ResolverCache, resolveModule, type ResolveOptions } from '../resolver';
import { readMapSync } from './map';

/** The loader (`require` or `import`) and the Node version whose rules a resolution follows. */
export type ResolveRules = Pick<ResolveOptions, 'conditions' | 'node'>;

/** Which tree a resolved file comes from: the app's own (and built-ins), a namespace's, or an isolated extension's. */
export type TreeKind = 'main' | 'namespace' | 'extension';

/**
 * Where an import in the project goes. `kind` and `owner` name the tree the file is loaded from
 * (`owner` is the namespace's or extension's name, null for the main tree); `namespace` is the
 * namespace whose tree serves the import, null for the main tree, extensions and built-ins.
 */
export type ProjectResolution = Resolution & { namespace: string | null; kind: TreeKind; owner: string | null };

export interface Project {
  /** The project directory (the one holding multiverse.json and .multiverse/). */
  readonly dir: string;
  /** Names of the installed namespaces, from .multiverse/map.json. */
  readonly namespaces: readonly string[];
  /** The namespace called `name`, created on first use (one per project object). */
  namespace(name: string): Namespace;
  /**
   * Which file `specifier` loads from `fromFile`, and from which tree (main, a namespace, an
   * extension), by the rules of the running Node unless `node` names another version.
   */
  resolve(specifier: string, fromFile: string, options?: ResolveRules): ProjectResolution;
  /** The namespace an import of `specifier` from `fromFile` is routed to, or null (not routed). */
  route(specifier: string, fromFile: string): string | null;
  /** The namespace whose tree holds `file`, or null for app files. */
  ownerOf(file: string): string | null;
  /** The declared extension whose folder or dependency tree holds `file`, or null. */
  extensionOf(file: string): string | null;
}

/**
 * Loads the routing of a project: namespaces from `.multiverse/map.json` (written by `multiverse
 * install`), isolated extensions from multiverse.json. App files importing a package that a
 * namespace provides go to that namespace (its `scope` globs decide between several), and code
 * inside a namespace resolves only inside it. Files of a declared extension resolve bare imports in
 * the extension's own tree first (`.multiverse/.extensions/<name>/`, installed when the extension is
 * loaded), as its worker or process does. A project without multiverse.json is a project without
 * namespaces; one whose namespaces were never installed is an error that says to run
 * `multiverse install` (a project that declares only extensions needs no install).
 */
export function loadProject(dir: string): Project {
  if (typeof dir !== 'string' || dir === '') throw new InputError('EINVALIDOPTIONS', `loadProject needs a project directory, got ${JSON.stringify(dir)}.`);
  const projectDir = path.resolve(dir);
  const configFile = path.join(projectDir, CONFIG_FILE);
  const text = readTextIfExistsSync(configFile);
  const config = text === null ? null : parseConfig(text.replace(/^\uFEFF/, ''), configFile);
  const map = readMapSync(projectDir);
  const declared = Object.keys(config?.namespaces ?? {});
  if (map === null && declared.length > 0) {
    throw new InputError(
      'ENOTINSTALLED',
      `${configFile} declares namespace${declared.length === 1 ? '' : 's'} ${declared.map((n) => `"${n}"`).join(', ')}, but there is no .multiverse/map.json: run "multiverse install" in ${projectDir} first.`,
    );
  }
  return new ProjectImpl(projectDir, map ?? { version: 1, namespaces: {} }, config?.extensions ?? {});
}

/** A declared extension as routing sees it: its folder and, when it has dependencies, its tree. */
interface ExtensionRoots {
  name: string;
  /** The extension's folder (the entry's folder when `path` names a file), as given and as its real path. */
  folder: string[];
  /** Its dependency tree's folder, as given and real; null when it declares no dependencies. */
  tree: string[] | null;
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

  private readonly extensions: ExtensionRoots[];

  constructor(
    readonly dir: string,
    private readonly map: NamespaceMap,
    extensions: Record<string, ExtensionConfig>,
  ) {
    this.namespaces = Object.keys(map.namespaces);
    this.roots = this.namespaces.map((name) => {
      const given = path.resolve(dir, this.entry(name).root);
      return { name, given, real: realRoot(given) };
    });
    this.extensions = Object.entries(extensions).map(([name, extension]) => {
      const folder = extensionFolder(dir, resolveInside(dir, extension.path, `The path of extension "${name}"`));
      const tree = extensionTreeDir(dir, name);
      // The runtime gives an extension a tree only when it has dependencies to install.
      return { name, folder: bothForms(folder), tree: Object.keys(extension.dependencies).length > 0 ? bothForms(tree) : null };
    });
    this.config = {
      file: path.join(dir, CONFIG_FILE),
      extensions: {},
      allowDuplicates: [],
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

  resolve(specifier: string, fromFile: string, options: ResolveRules = {}): ProjectResolution {
    const from = toPath(fromFile);
    const rules: ResolveRules = { conditions: options.conditions ?? 'require', node: options.node };
    const owner = this.ownership(from);
    const name = barePackageName(specifier);
    if (owner !== null) {
      if (name !== null && this.entry(owner.name).shared.includes(name)) return this.inApp(specifier, path.join(this.dir, 'package.json'), rules);
      // Bounded by the root in the form the file's path uses, so the lookup stays inside the tree.
      const resolution = this.inNamespace(owner.name, owner.root, specifier, from, from, rules);
      return resolution.builtin ? { ...resolution, namespace: null, kind: 'main', owner: null } : { ...resolution, namespace: owner.name, kind: 'namespace', owner: owner.name };
    }
    const extension = this.extensionHolding(from);
    if (extension !== null) return this.inExtension(extension, specifier, from, rules);
    const routed = this.route(specifier, from);
    if (routed === null) return this.inApp(specifier, from, rules);
    const root = this.rootOf(routed);
    return { ...this.inNamespace(routed, root, specifier, path.join(root, 'package.json'), from, rules), namespace: routed, kind: 'namespace', owner: routed };
  }

  route(specifier: string, fromFile: string): string | null {
    const name = barePackageName(specifier);
    if (name === null || this.namespaces.length === 0) return null;
    const from = toPath(fromFile);
    const key = `${path.dirname(from)}\0${name}`;
    let routed = this.routes.get(key);
    if (routed === undefined) {
      // Code in a namespace tree stays in it; an extension runs in its own worker or process, where no routing applies.
      routed = this.ownership(from) !== null || this.extensionHolding(from) !== null ? null : namespaceFor(this.config, name, path.relative(this.dir, from).split(path.sep).join('/'));
      this.routes.set(key, routed);
    }
    return routed;
  }

  ownerOf(file: string): string | null {
    return this.ownership(toPath(file))?.name ?? null;
  }

  extensionOf(file: string): string | null {
    return this.extensionHolding(toPath(file))?.name ?? null;
  }

  private extensionHolding(file: string): ExtensionRoots | null {
    return this.extensions.find((e) => isUnder(file, e.folder) || (e.tree !== null && isUnder(file, e.tree))) ?? null;
  }

  /**
   * What an extension's worker or process loads: `multiverse` is the runtime itself, bare imports
   * from the extension's own files look in its dependency tree first (as if imported from the tree's
   * package.json, walking up from there like Node), and everything else resolves from the file.
   */
  private inExtension(extension: ExtensionRoots, specifier: string, from: string, rules: ResolveRules): ProjectResolution {
    if (specifier === 'multiverse') return this.labelled(resolveModule(RUNTIME_ENTRY, from, { ...rules, cache: this.cache }));
    const tree = extension.tree?.[0];
    if (tree !== undefined && barePackageName(specifier) !== null && isUnder(from, extension.folder)) {
      try {
        return this.labelled(resolveModule(specifier, path.join(tree, 'package.json'), { ...rules, cache: this.cache }));
      } catch (error) {
        if (!(error instanceof ResolveError && error.code === 'MODULE_NOT_FOUND')) throw error;
      }
    }
    return this.labelled(resolveModule(specifier, from, { ...rules, cache: this.cache }));
  }

  /** A resolution outside the namespaces, named by the tree its file is in. */
  private labelled(resolution: Resolution): ProjectResolution {
    const extension = resolution.builtin ? undefined : this.extensions.find((e) => e.tree !== null && isUnder(resolution.path, e.tree));
    return extension === undefined ? { ...resolution, namespace: null, kind: 'main', owner: null } : { ...resolution, namespace: null, kind: 'extension', owner: extension.name };
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
  private inNamespace(name: string, root: string, specifier: string, anchor: string, from: string, rules: ResolveRules): Resolution {
    try {
      return resolveModule(specifier, anchor, { ...rules, boundary: root, cache: this.cache });
    } catch (error) {
      if (error instanceof ResolveError && error.code === 'MODULE_NOT_FOUND') throw new NamespaceModuleNotFoundError(name, root, specifier, from, error);
      throw error;
    }
  }

  private inApp(specifier: string, from: string, rules: ResolveRules): ProjectResolution {
    return { ...resolveModule(specifier, from, { ...rules, cache: this.cache }), namespace: null, kind: 'main', owner: null };
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

/** This runtime's own entry: what `require('multiverse')` loads inside an extension. */
const RUNTIME_ENTRY = path.join(__dirname, '..', 'index.js');

/**
 * An extension's folder: its `path`, or the folder of the file `path` names, unless that is the
 * project's own folder (an extension file at the root): then the file alone is the extension's,
 * and the app's files stay the app's.
 */
function extensionFolder(projectDir: string, target: string): string {
  let folder = target;
  try {
    if (statSync(target).isFile()) folder = path.dirname(target);
  } catch {
    // Not there yet: routing treats the path as the folder it names.
  }
  return folder === projectDir ? target : folder;
}

function bothForms(dir: string): string[] {
  const real = realRoot(dir);
  return real === dir ? [dir] : [dir, real];
}

function isUnder(file: string, dirs: string[]): boolean {
  return dirs.some((dir) => file === dir || file.startsWith(dir + path.sep));
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
