import * as fs from 'node:fs';
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
  private readonly packageJsons = new Map<string, PackageJson | null>();
  private readonly realpaths = new Map<string, string>();
  private readonly scopes = new Map<string, { dir: string; json: PackageJson } | null>();
  /** Results of whole resolutions, keyed by the caller (the namespace loader). */
  readonly resolutions = new Map<string, unknown>();

  private kind(file: string): Kind {
    let kind = this.kinds.get(file);
    if (kind === undefined) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      kind = stat === undefined ? Kind.Missing : stat.isDirectory() ? Kind.Directory : Kind.File;
      this.kinds.set(file, kind);
    }
    return kind;
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
      real = fs.realpathSync(file);
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

/** Node ignores `exports`/`imports` fields that are null as if they were absent. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
