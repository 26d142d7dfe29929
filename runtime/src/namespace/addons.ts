import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { MultiverseError } from '../errors';

/** What a namespace does with a native addon that is already loaded elsewhere in the process. */
export type AddonPolicy = 'refuse' | 'copy';

/**
 * Native addons (.node files) are loaded once per process: `dlopen` hands back the same library for
 * the same inode, so its static state is shared, and addons that are not N-API throw "Module did not
 * self-register" on a second load. The runtime therefore tracks which addon (by device and inode)
 * was loaded by whom, refuses a second owner with an error that says what to do, and, when the
 * namespace opted in, loads a byte copy (a new inode, so a fresh library with fresh state).
 */
const owners = new Map<string, { id: string; label: string }>();

export class AddonLoader {
  private copies: string | null = null;

  /** `id` is unique per namespace instance; `name` is what messages show. */
  constructor(
    private readonly id: string,
    private readonly name: string,
    private readonly policy: AddonPolicy,
  ) {}

  load(module: Module, filename: string, packageName: string | null): void {
    const key = inodeKey(filename);
    const owner = owners.get(key) ?? (loadedByHost(key) ? { id: '', label: 'the host application' } : undefined);
    if (owner === undefined || owner.id === this.id) {
      process.dlopen(module, filename);
      owners.set(key, this.owner());
      return;
    }
    if (this.policy !== 'copy') {
      throw new MultiverseError(
        'EADDONSHARED',
        `Native addon ${filename}${packageName === null ? '' : ` (package ${packageName})`} is already loaded by ${owner.label}; ` +
          `namespace "${this.name}" cannot load it again, because a .node file is loaded once per process and its state would be shared. ` +
          'Run this code as an extension with isolation "process", or create the namespace with { addons: "copy" } to load a private byte copy.',
      );
    }
    const copy = path.join(this.copyDir(), `${owners.size}-${path.basename(filename)}`);
    copyFileSync(filename, copy);
    process.dlopen(module, copy);
    owners.set(inodeKey(copy), this.owner());
  }

  /** Deletes the byte copies; the libraries stay mapped (nothing unloads an addon), the files go. */
  dispose(): void {
    if (this.copies !== null) rmSync(this.copies, { recursive: true, force: true });
    this.copies = null;
  }

  private owner(): { id: string; label: string } {
    return { id: this.id, label: `namespace "${this.name}"` };
  }

  private copyDir(): string {
    if (this.copies === null) {
      const base = path.join(os.tmpdir(), 'multiverse-addons');
      mkdirSync(base, { recursive: true });
      this.copies = mkdtempSync(path.join(base, `${this.name}-`));
    }
    return this.copies;
  }
}

function inodeKey(file: string): string {
  const stat = statSync(file);
  return `${stat.dev}:${stat.ino}`;
}

function loadedByHost(key: string): boolean {
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  return Object.keys(cache).some((file) => file.endsWith('.node') && inodeKey(file) === key);
}
