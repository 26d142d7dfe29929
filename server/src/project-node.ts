import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { nodeFeatures } from 'multiverse/tooling';
import semver from 'semver';
import type { NodeInfo, NodeSettings } from './protocol';

/** Files in a project that name its Node version (nvm, fnm, nodenv and others read them). */
export const NODE_VERSION_FILES: readonly string[] = ['.node-version', '.nvmrc'];

/** How long `node --version` may take (a version manager's shim can be slow on its first run). */
const VERSION_TIMEOUT_MS = 5_000;

/**
 * Which Node runs the project, so hovers, definitions and diagnostics answer with that version's
 * rules rather than those of the editor's Node, which runs this server. In order: the
 * `multiverse.node.path` or `multiverse.node.version` setting; else the `node` on the PATH, asked
 * from the project folder (so Volta's shim answers with the project's pin); else the first usable
 * hint (`volta.node`, `.node-version`, `.nvmrc`, `engines.node`); else the editor's own Node.
 * The hints are always reported, with whether the chosen version satisfies each.
 */
export async function detectProjectNode(dir: string, settings: NodeSettings, env: NodeJS.ProcessEnv = process.env): Promise<NodeInfo> {
  const hints = await readHints(dir);
  const chosen = await choose(dir, settings, env, hints);
  return {
    ...chosen,
    hints: hints.map((hint) => ({ ...hint, satisfied: satisfies(chosen.version, hint.value) })),
  };
}

type Hint = Omit<NodeInfo['hints'][number], 'satisfied'>;

async function choose(dir: string, settings: NodeSettings, env: NodeJS.ProcessEnv, hints: Hint[]): Promise<Omit<NodeInfo, 'hints'>> {
  const problems: string[] = [];
  if (settings.path !== undefined && settings.path !== '') {
    const executable = path.resolve(dir, settings.path);
    try {
      return { version: await versionOf(executable, dir, env), source: `setting multiverse.node.path (${executable})`, problems: orNone(problems) };
    } catch (error) {
      problems.push(`multiverse.node.path ${executable}: ${errorMessage(error)}`);
    }
  }
  if (settings.version !== undefined && settings.version !== '') {
    try {
      return { version: nodeFeatures(settings.version).version, source: 'setting multiverse.node.version', problems: orNone(problems) };
    } catch (error) {
      problems.push(`multiverse.node.version: ${errorMessage(error)}`);
    }
  }
  const onPath = await findOnPath('node', env);
  if (onPath !== null) {
    try {
      return { version: await versionOf(onPath, dir, env), source: `node on the PATH (${onPath})`, problems: orNone(problems) };
    } catch (error) {
      problems.push(`${onPath}: ${errorMessage(error)}`);
    }
  }
  for (const hint of hints) {
    const version = versionOfHint(hint.value);
    if (version !== null) return { version, source: `${hint.source} (no node on the PATH)`, problems: orNone(problems) };
  }
  return { version: process.versions.node, source: "the editor's Node (no node on the PATH and no version hint in the project)", problems: orNone(problems) };
}

function orNone(problems: string[]): string[] | undefined {
  return problems.length === 0 ? undefined : problems;
}

// `node --version` answers per executable and folder, cached for the server's life: a version
// manager's shim may answer differently per folder, and a new install of Node means a new setting
// or a restart of the server. clearNodeCache() drops it when the settings change.
const versions = new Map<string, Promise<string>>();

export function clearNodeCache(): void {
  versions.clear();
}

function versionOf(executable: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const key = `${executable}\0${cwd}`;
  let version = versions.get(key);
  if (version === undefined) {
    version = new Promise<string>((resolve, reject) => {
      execFile(executable, ['--version'], { cwd, env, timeout: VERSION_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
        if (error !== null) {
          reject(new Error(error.killed ? `no answer to --version within ${VERSION_TIMEOUT_MS / 1000} s` : error.message));
          return;
        }
        try {
          resolve(nodeFeatures(stdout.trim()).version);
        } catch {
          reject(new Error(`answered --version with ${JSON.stringify(stdout.trim().slice(0, 80))}, which is not a Node version`));
        }
      });
    });
    versions.set(key, version);
    // A failure is not cached: the next analysis asks again (the user may be installing Node).
    version.catch(() => versions.delete(key));
  }
  return version;
}

async function findOnPath(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function readHints(dir: string): Promise<Hint[]> {
  const hints: Hint[] = [];
  const manifest = await readJson(path.join(dir, 'package.json'));
  const volta = field(field(manifest, 'volta'), 'node');
  if (typeof volta === 'string') hints.push({ source: 'package.json volta.node', value: volta });
  for (const file of NODE_VERSION_FILES) {
    const text = await readText(path.join(dir, file));
    // Version files hold one version (or alias) on the first line; comments follow in some tools.
    const value = text?.split(/\r?\n/)[0]?.replace(/#.*/, '').trim();
    if (value) hints.push({ source: file, value });
  }
  const engines = field(field(manifest, 'engines'), 'node');
  if (typeof engines === 'string') hints.push({ source: 'package.json engines.node', value: engines });
  return hints;
}

/** nvm's aliases for LTS lines by codename. */
const LTS_CODENAMES: ReadonlyMap<string, string> = new Map([
  ['hydrogen', '18'],
  ['iron', '20'],
  ['jod', '22'],
  ['krypton', '24'],
]);

/** A version a hint pins or starts at: "22.12.0", "v22", "lts/jod" or ">=20.17 <21" (its lowest match). */
function versionOfHint(value: string): string | null {
  const alias = /^lts\/(.+)$/i.exec(value)?.[1]?.toLowerCase();
  if (alias !== undefined) return LTS_CODENAMES.get(alias) ?? null;
  if (/^v?\d+(\.\d+){0,2}$/.test(value)) return value.replace(/^v/, '');
  try {
    const lowest = semver.validRange(value) === null ? null : semver.minVersion(value);
    return lowest === null || lowest.major === 0 ? null : lowest.version;
  } catch {
    return null;
  }
}

/** Whether `version` (possibly a bare line such as "22") meets a hint; null when the hint is no version or range. */
function satisfies(version: string, hint: string): boolean | null {
  const pinned = versionOfHint(hint);
  if (pinned === null) return null;
  if (/^(lts\/|v?\d+(\.\d+){0,2}$)/i.test(hint)) {
    // A pin names a version or a line: the chosen version must be in it.
    const parts = pinned.split('.');
    return version.split('.').slice(0, parts.length).join('.') === parts.join('.');
  }
  const coerced = semver.coerce(version);
  return coerced === null ? null : semver.satisfies(coerced, hint);
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The analysis reports a broken package.json with its position; here it only means no hints.
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
