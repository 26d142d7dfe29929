import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseYaml } from '../package-manager';
import { rangeSatisfied } from './graph-builder';
import type { PackageNode } from './types';

interface RulesField {
  ignoreMissing?: unknown;
  allowAny?: unknown;
  allowedVersions?: unknown;
}

/**
 * pnpm's `peerDependencyRules` (from `pnpm-workspace.yaml`, or the `pnpm` field of package.json as
 * older pnpm reads it): which missing peers to ignore, which peers accept any version, and extra
 * versions a peer may have, for every dependent (`react`) or one (`react-dom>react`, `foo@1>react`).
 * pnpm warns about no peer these rules allow; neither does the analysis.
 */
export class PeerRules {
  private constructor(
    private readonly ignoreMissing: RegExp[],
    private readonly allowAny: RegExp[],
    /** [parent name, parent range or null, peer name, extra range] */
    private readonly allowed: [string | null, string | null, string, string][],
  ) {}

  static async load(root: string, manifest: Record<string, unknown>): Promise<PeerRules> {
    const fields: RulesField[] = [];
    const pnpmField = manifest.pnpm;
    if (isObject(pnpmField) && isObject(pnpmField.peerDependencyRules)) fields.push(pnpmField.peerDependencyRules);
    const workspaceFile = path.join(root, 'pnpm-workspace.yaml');
    const text = await readFile(workspaceFile, 'utf8').catch(() => null);
    if (text !== null) {
      const workspace = parseYaml(text, workspaceFile);
      if (isObject(workspace.peerDependencyRules)) fields.push(workspace.peerDependencyRules);
    }
    const patterns = (key: 'ignoreMissing' | 'allowAny'): RegExp[] => fields.flatMap((f) => strings(f[key])).map(globToRegExp);
    const allowed = fields.flatMap((f) =>
      Object.entries(isObject(f.allowedVersions) ? f.allowedVersions : {}).flatMap(([selector, range]) => {
        if (typeof range !== 'string') return [];
        const [parent, peer] = selector.includes('>') ? (selector.split('>', 2) as [string, string]) : [null, selector];
        const at = parent === null ? -1 : parent.lastIndexOf('@');
        const parentName = parent === null ? null : at > 0 ? parent.slice(0, at) : parent;
        const parentRange = parent === null || at <= 0 ? null : parent.slice(at + 1);
        return [[parentName, parentRange, peer, range] as [string | null, string | null, string, string]];
      }),
    );
    return new PeerRules(patterns('ignoreMissing'), patterns('allowAny'), allowed);
  }

  ignoresMissing(peer: string): boolean {
    return this.ignoreMissing.some((p) => p.test(peer));
  }

  /** Whether `version` of `peer` is fine for `parent`, which asks for `range`. */
  allows(parent: PackageNode, peer: string, range: string, version: string): boolean {
    if (satisfies(version, range) || this.allowAny.some((p) => p.test(peer))) return true;
    return this.allowed.some(
      ([parentName, parentRange, name, extra]) =>
        name === peer && (parentName === null || (parentName === parent.name && (parentRange === null || satisfies(parent.version, parentRange)))) && satisfies(version, extra),
    );
  }
}

function satisfies(version: string, range: string): boolean {
  return range === '*' || rangeSatisfied(version, range);
}

/** pnpm's name patterns: `*` matches any run of characters, scopes included. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
