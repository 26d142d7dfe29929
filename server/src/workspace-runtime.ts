import { readFileSync } from 'node:fs';
import { version as bundled } from './version';

/** The `multiverse` package a workspace folder's program runs, when it differs from the server's own. */
export interface RuntimeSkew {
  /** The version the workspace has installed. */
  workspace: string;
  /** Its package.json, as Node finds it from the folder. */
  packageJson: string;
  /** The version bundled into this server, which does the analysis. */
  bundled: string;
}

/**
 * Compares the runtime the folder's program loads (`require('multiverse')` from the folder, as Node
 * resolves it) with the one bundled into the server. `null` when they match or the folder has none:
 * the server analyses with its own copy either way, and says so when the program would run another.
 */
export function runtimeSkew(folder: string): RuntimeSkew | null {
  let packageJson: string;
  try {
    packageJson = require.resolve('multiverse/package.json', { paths: [folder] });
  } catch {
    return null;
  }
  try {
    const { name, version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: unknown; version?: unknown };
    if (name !== 'multiverse' || typeof version !== 'string' || version === bundled) return null;
    return { workspace: version, packageJson, bundled };
  } catch {
    return null;
  }
}

/** One sentence for the output and the status bar's tooltip. */
export function describeSkew(folder: string, skew: RuntimeSkew): string {
  return `${folder} runs multiverse ${skew.workspace} (${skew.packageJson}); the editor analyses it with its bundled multiverse ${skew.bundled}, so hovers and diagnostics can differ from what the program does where the two versions differ. Update one of them to match.`;
}
