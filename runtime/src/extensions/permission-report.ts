import { nodeFeatures, type PermissionScope } from '../node-features';

/**
 * What a process extension under the permission model may do, as its own process answers it
 * (`process.permission.has`), so the report shows what Node enforces, not what was asked for.
 */
export interface PermissionReport {
  /** The Node version running the extension, and the flag that turned the model on. */
  node: string;
  flag: string;
  /** Each scope this Node restricts, and whether the extension holds it without limits. */
  scopes: Partial<Record<PermissionScope, boolean>>;
  /** The paths granted for reading and writing that the model confirms. */
  fsRead: string[];
  fsWrite: string[];
  /** Whether processes the extension starts stay under the model (else a granted child runs unrestricted). */
  childrenInherit: boolean;
  /** What the model does not restrict on this Node. */
  unrestricted: string[];
}

interface ProcessPermission {
  has(scope: string, reference?: string): boolean;
}

/** The report for this process, or undefined when it does not run under the permission model. */
export function permissionReport(asked: { fsRead: string[]; fsWrite: string[] }): PermissionReport | undefined {
  const permission = (process as { permission?: ProcessPermission }).permission;
  if (permission === undefined) return undefined;
  const features = nodeFeatures();
  const scopes: Partial<Record<PermissionScope, boolean>> = {};
  for (const scope of features.permission.grants.keys()) scopes[scope] = permission.has(scope);
  return {
    node: features.version,
    flag: features.permission.flag,
    scopes,
    fsRead: asked.fsRead.filter((p) => permission.has('fs.read', p)),
    fsWrite: asked.fsWrite.filter((p) => permission.has('fs.write', p)),
    childrenInherit: features.permission.inheritedByChildren,
    unrestricted: ['network'],
  };
}
