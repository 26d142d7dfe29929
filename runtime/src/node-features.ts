import { InputError } from './errors';

/**
 * What differs between Node versions, as a function of the version: the one module that knows it.
 * Everything version-dependent (resolution conditions, the `#/` imports rule, permission flags,
 * loader hooks) asks here with a target version: the running Node by default, the project's Node
 * when the language server answers for a program it does not run itself.
 *
 * Each feature lists the first version of every release line that has it (from Node's changelogs);
 * lines newer than the last one listed have it from their first release, older or skipped lines not.
 */
const SINCE = {
  // require(esm) without a flag, and with it the "module-sync" exports condition: 20.19.0, 22.12.0
  // (22.10 and 22.11 only behind --experimental-require-module), 23.0.0.
  requireEsm: ['20.19.0', '22.12.0', '23.0.0'],
  // "#/x" became a valid imports specifier (nodejs/node#60864); before, ERR_INVALID_MODULE_SPECIFIER.
  slashImports: ['24.14.0', '25.4.0'],
  // module.registerHooks(): synchronous loader hooks on the loading thread (nodejs/node#55698).
  syncHooks: ['22.15.0', '23.5.0'],
  // The permission model became stable and its flag --permission; 24.0 dropped --experimental-permission.
  stablePermission: ['22.13.0', '23.5.0'],
  // A process under the permission model passes its flags on to the processes it spawns (nodejs/node#58853).
  permissionInherited: ['22.18.0', '24.4.0'],
  // --allow-inspector: before it, the permission model turns the inspector off (nodejs/node#59711).
  allowInspector: ['24.12.0', '25.0.0'],
} as const satisfies Record<string, readonly string[]>;

export type PermissionScope = 'fs.read' | 'fs.write' | 'child' | 'worker' | 'addon' | 'wasi' | 'inspector';

export interface NodeFeatures {
  /** The version answered for, without the "v": "24.22.3", or "24" / "24.22" for the newest of that line. */
  readonly version: string;
  /** The release line: 24. */
  readonly major: number;
  /** `require()` loads ES modules, and the "module-sync" condition matches. */
  readonly requireEsm: boolean;
  /** Condition names matched in `exports`/`imports` maps by each loader ("default" always matches). */
  readonly conditions: { readonly require: readonly string[]; readonly import: readonly string[] };
  /** `#/…` is a valid package imports specifier. */
  readonly slashImports: boolean;
  /** `module.registerHooks` exists: loader hooks that run synchronously on the loading thread. */
  readonly syncHooks: boolean;
  readonly permission: PermissionModel;
}

export interface PermissionModel {
  /** The flag that turns the model on. */
  readonly flag: '--permission' | '--experimental-permission';
  /** Whether the model is still experimental (it then prints an ExperimentalWarning). */
  readonly experimental: boolean;
  /** Child processes inherit the model and its grants; before, a granted child ran unrestricted. */
  readonly inheritedByChildren: boolean;
  /** What the model restricts on this version, with the flag that grants each scope. */
  readonly grants: ReadonlyMap<PermissionScope, string>;
}

const cache = new Map<string, NodeFeatures>();

/**
 * The features of Node `version`, the running Node by default. "v24.22.3" and "24.22.3" name one
 * release; "24" or "24.22" name the newest release of that line or minor.
 */
export function nodeFeatures(version: string = process.version): NodeFeatures {
  let features = cache.get(version);
  if (features === undefined) {
    features = featuresOf(parseVersion(version));
    cache.set(version, features);
  }
  return features;
}

type Triple = readonly [number, number, number];

function featuresOf([v, display]: [Triple, string]): NodeFeatures {
  const has = (feature: keyof typeof SINCE): boolean => since(v, SINCE[feature]);
  const requireEsm = has('requireEsm');
  const common = requireEsm ? ['module-sync', 'node', 'node-addons'] : ['node', 'node-addons'];
  const grants = new Map<PermissionScope, string>([
    ['fs.read', '--allow-fs-read'],
    ['fs.write', '--allow-fs-write'],
    ['child', '--allow-child-process'],
    ['worker', '--allow-worker'],
    ['addon', '--allow-addons'],
    ['wasi', '--allow-wasi'],
  ]);
  if (has('allowInspector')) grants.set('inspector', '--allow-inspector');
  const stable = has('stablePermission');
  return {
    version: display,
    major: v[0],
    requireEsm,
    conditions: { require: ['require', ...common], import: ['import', ...common] },
    slashImports: has('slashImports'),
    syncHooks: has('syncHooks'),
    permission: {
      flag: stable ? '--permission' : '--experimental-permission',
      experimental: !stable,
      inheritedByChildren: has('permissionInherited'),
      grants,
    },
  };
}

function since(v: Triple, firsts: readonly string[]): boolean {
  const lines = firsts.map((first) => parseVersion(first)[0]);
  const sameLine = lines.find((first) => first[0] === v[0]);
  if (sameLine !== undefined) return compare(v, sameLine) >= 0;
  return v[0] > Math.max(...lines.map((first) => first[0]));
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A missing minor or patch stands for the newest one: bigger than any release has. */
const NEWEST = Number.MAX_SAFE_INTEGER;

function parseVersion(version: string): [Triple, string] {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(version.trim());
  if (match === null) {
    throw new InputError('EINVALIDNODEVERSION', `"${version}" is not a Node version; write it as 24, 24.22 or 24.22.3 (a leading "v" is fine).`);
  }
  const parts = [match[1], match[2], match[3]].filter((p): p is string => p !== undefined);
  const triple: Triple = [Number(match[1]), match[2] === undefined ? NEWEST : Number(match[2]), match[3] === undefined ? NEWEST : Number(match[3])];
  return [triple, parts.join('.')];
}
