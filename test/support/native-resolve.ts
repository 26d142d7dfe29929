import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Probe {
  specifier: string;
  fromFile: string;
  conditions: 'require' | 'import';
}

/** What Node itself answered: a file path or `node:` id, or the error code it threw. */
export type NativeAnswer = { path: string } | { code: string };

// Runs in a fresh Node (so no cache of this test process leaks in): require.resolve through
// createRequire, and import.meta.resolve with a parent URL (needs the flag in Node 20).
// import.meta.resolve is lenient on purpose: for a missing file or a directory it returns the URL
// the loader would have failed on, so the probe applies the loader's own last step (a directory
// is ERR_UNSUPPORTED_DIR_IMPORT, a missing file ERR_MODULE_NOT_FOUND, a file its real path).
const PROBE = `
import { createRequire, isBuiltin } from 'node:module';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
const probes = JSON.parse(readFileSync(0, 'utf8'));
const answers = probes.map(({ specifier, fromFile, conditions }) => {
  try {
    if (conditions === 'require') {
      const resolved = createRequire(fromFile).resolve(specifier);
      return { path: isBuiltin(resolved) && !resolved.startsWith('node:') ? 'node:' + resolved : resolved };
    }
    const url = import.meta.resolve(specifier, pathToFileURL(fromFile).href);
    if (!url.startsWith('file:')) return { path: url };
    const file = fileURLToPath(url);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined) return { code: 'ERR_MODULE_NOT_FOUND' };
    if (stat.isDirectory()) return { code: 'ERR_UNSUPPORTED_DIR_IMPORT' };
    return { path: realpathSync(file) };
  } catch (error) {
    return { code: error.code ?? error.name };
  }
});
process.stdout.write(JSON.stringify(answers));
`;

/**
 * Asks a fresh Node process to resolve every probe; `nodeArgs` set it up first (Yarn's PnP runtime:
 * `--require .pnp.cjs --loader .pnp.loader.mjs`, as `yarn node` runs programs).
 */
export async function nativeResolve(probes: Probe[], nodeArgs: string[] = []): Promise<NativeAnswer[]> {
  // The probes go through stdin: thousands of them are more than a command line holds.
  const pending = run(process.execPath, [...nodeArgs, '--experimental-import-meta-resolve', '--no-warnings', '--input-type=module', '-e', PROBE], { maxBuffer: 64 * 1024 * 1024 });
  pending.child.stdin?.end(JSON.stringify(probes));
  const { stdout } = await pending;
  return JSON.parse(stdout) as NativeAnswer[];
}

/** Node says ERR_MODULE_NOT_FOUND in ESM and MODULE_NOT_FOUND in CommonJS; the resolver says the latter for both. */
export function normalise(answer: NativeAnswer): NativeAnswer {
  return 'code' in answer && answer.code === 'ERR_MODULE_NOT_FOUND' ? { code: 'MODULE_NOT_FOUND' } : answer;
}
