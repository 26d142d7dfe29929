import { spawn } from 'node:child_process';

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

/** Asks a fresh Node process to resolve every probe (sent on stdin: the list outgrows a command line). */
export async function nativeResolve(probes: Probe[]): Promise<NativeAnswer[]> {
  const child = spawn(process.execPath, ['--experimental-import-meta-resolve', '--no-warnings', '--input-type=module', '-e', PROBE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(JSON.stringify(probes));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(`The resolution probe (${process.execPath}) exited with code ${code}: ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as NativeAnswer[];
}
