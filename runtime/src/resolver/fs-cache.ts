import fs from 'node:fs';
import * as path from 'node:path';
import { MultiverseError } from '../errors';

/** The fields of a package.json that resolution reads. */
export interface PackageJson {
  name?: unknown;
  version?: unknown;
  main?: unknown;
  type?: unknown;
  exports?: unknown;
  imports?: unknown;
}

const enum Kind {
  Missing = 0,
  File = 1,
  Directory = 2,
}

/**
 * Memoises the file-system questions resolution asks (is this a file, what does this package.json
 * say, what is the real path). Node keeps the same caches for the life of the process; a namespace
 * keeps one for its own life, and a one-off `resolveModule` call gets a fresh one, so the answer
 * never depends on what some loader happened to cache earlier (the language server relies on that
 * after package.json edits).
 */
export class ResolverCache {
  private readonly kinds = new Map<string, Kind>();
  private readonly listings = new Map<string, Map<string, Kind | 'link'> | null>();
  private readonly packageJsons = new Map<string, PackageJson | null>();
  private readonly realpaths = new Map<string, string>();
  private readonly scopes = new Map<string, { dir: string; json: PackageJson } | null>();

  private kind(file: string): Kind {
    let kind = this.kinds.get(file);
    if (kind === undefined) {
      kind = this.kindFromListing(file) ?? statKind(file);
      this.kinds.set(file, kind);
    }
    return kind;
  }

  /**
   * Answers from one `readdir` of the parent folder instead of a `stat` per candidate: resolution
   * probes many names per folder (`x`, `x.js`, `x.json`, `x/package.json`...), and most do not
   * exist. Symlinks (and folders that cannot be listed) fall back to `stat`, which follows them.
   */
  private kindFromListing(file: string): Kind | undefined {
    const dir = path.dirname(file);
    if (dir === file || isVirtual(file)) return undefined;
    let listing = this.listings.get(dir);
    if (listing === undefined) {
      listing = this.kind(dir) === Kind.Directory ? readListing(dir) : null;
      this.listings.set(dir, listing);
    }
    if (listing === null) return this.kinds.get(dir) === Kind.Directory ? undefined : Kind.Missing;
    const entry = listing.get(path.basename(file));
    return entry === undefined ? Kind.Missing : entry === 'link' ? undefined : entry;
  }

  isFile(file: string): boolean {
    return this.kind(file) === Kind.File;
  }

  isDirectory(dir: string): boolean {
    return this.kind(dir) === Kind.Directory;
  }

  realpath(file: string): string {
    let real = this.realpaths.get(file);
    if (real === undefined) {
      // One realpath(3) call; the JS version lstat()s every ancestor of every file.
      real = fs.realpathSync.native(file);
      this.realpaths.set(file, real);
    }
    return real;
  }

  /** The parsed `dir/package.json`, or null when there is none. Invalid JSON throws, as in Node. */
  packageJson(dir: string): PackageJson | null {
    let json = this.packageJsons.get(dir);
    if (json === undefined) {
      const file = path.join(dir, 'package.json');
      json = null;
      if (this.isFile(file)) {
        const text = fs.readFileSync(file, 'utf8');
        try {
          const parsed: unknown = JSON.parse(text);
          json = typeof parsed === 'object' && parsed !== null ? (parsed as PackageJson) : {};
        } catch (error) {
          throw new MultiverseError(
            'ERR_INVALID_PACKAGE_CONFIG',
            `Invalid package config ${file}: ${(error as Error).message}. Fix the JSON in that file.`,
            { cause: error },
          );
        }
      }
      this.packageJsons.set(dir, json);
    }
    return json;
  }

  /**
   * Node's LOOKUP_PACKAGE_SCOPE: the nearest directory above `file` holding a package.json, not
   * crossing a `node_modules` directory (a package never inherits its parent's scope).
   */
  packageScope(file: string): { dir: string; json: PackageJson } | null {
    return this.scopeOfDirectory(path.dirname(file));
  }

  private scopeOfDirectory(dir: string): { dir: string; json: PackageJson } | null {
    let scope = this.scopes.get(dir);
    if (scope === undefined) {
      const json = path.basename(dir) === 'node_modules' ? null : this.packageJson(dir);
      const parent = path.dirname(dir);
      if (json !== null) scope = { dir, json };
      else if (path.basename(dir) === 'node_modules' || parent === dir) scope = null;
      else scope = this.scopeOfDirectory(parent);
      this.scopes.set(dir, scope);
    }
    return scope;
  }
}

function statKind(file: string): Kind {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? Kind.Missing : stat.isDirectory() ? Kind.Directory : Kind.File;
}

/** Names in `dir` with their kinds, or null when it cannot be listed (no permission). */
function readListing(dir: string): Map<string, Kind | 'link'> | null {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const listing = new Map<string, Kind | 'link'>();
  for (const entry of entries) {
    listing.set(entry.name, entry.isDirectory() || isArchive(entry.name) ? Kind.Directory : entry.isSymbolicLink() ? 'link' : Kind.File);
  }
  return listing;
}

/**
 * Under Yarn's Plug'n'Play runtime, `fs` reads into zip archives as folders (packages live in
 * them), though `stat` and the listing of their parent still call them files.
 */
function isArchive(name: string): boolean {
  return name.endsWith('.zip') && process.versions.pnp !== undefined;
}

/** Yarn's virtual paths (`.yarn/__virtual__/...`) exist for `stat` under its runtime, not in any listing. */
function isVirtual(file: string): boolean {
  return process.versions.pnp !== undefined && file.includes(`${path.sep}__virtual__${path.sep}`);
}

/** Node ignores `exports`/`imports` fields that are null as if they were absent. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
