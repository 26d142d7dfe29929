// Arborist's lockfile loader, which its public types do not cover. Used for its check that the
// hidden lockfile (node_modules/.package-lock.json) still describes node_modules.
declare module '@npmcli/arborist/lib/shrinkwrap.js' {
  interface LockEntry {
    name?: string;
    version?: string;
    resolved?: string;
    link?: boolean;
    dev?: boolean;
    optional?: boolean;
    peer?: boolean;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  }
  class Shrinkwrap {
    static load(options: { path: string; hiddenLockfile: boolean }): Promise<Shrinkwrap>;
    loadedFromDisk: boolean;
    data: { packages?: Record<string, LockEntry> };
  }
  export = Shrinkwrap;
}
