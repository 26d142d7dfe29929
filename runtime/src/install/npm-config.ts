import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectPackageManager, parseYaml } from '../package-manager';

/** Options handed to arborist (and through it to pacote and npm-registry-fetch). */
export type RegistryOptions = Record<string, string | boolean | number>;

/**
 * npm config keys the installer honours, with the flat option name npm passes to arborist and the
 * value type. Keys absent here (colour, loglevel, ...) do not change what gets installed.
 */
const KNOWN: Record<string, [option: string, kind: 'string' | 'boolean' | 'number']> = {
  registry: ['registry', 'string'],
  'prefer-offline': ['preferOffline', 'boolean'],
  'prefer-online': ['preferOnline', 'boolean'],
  offline: ['offline', 'boolean'],
  'strict-ssl': ['strictSSL', 'boolean'],
  ca: ['ca', 'string'],
  proxy: ['proxy', 'string'],
  'https-proxy': ['httpsProxy', 'string'],
  noproxy: ['noProxy', 'string'],
  'local-address': ['localAddress', 'string'],
  'user-agent': ['userAgent', 'string'],
  'fetch-retries': ['fetchRetries', 'number'],
  'fetch-retry-factor': ['fetchRetryFactor', 'number'],
  'fetch-retry-mintimeout': ['fetchRetryMintimeout', 'number'],
  'fetch-retry-maxtimeout': ['fetchRetryMaxtimeout', 'number'],
  'fetch-timeout': ['timeout', 'number'],
  'maxsockets': ['maxSockets', 'number'],
  'legacy-peer-deps': ['legacyPeerDeps', 'boolean'],
  'strict-peer-deps': ['strictPeerDeps', 'boolean'],
  'engine-strict': ['engineStrict', 'boolean'],
  'ignore-scripts': ['ignoreScripts', 'boolean'],
  'install-links': ['installLinks', 'boolean'],
  'omit-lockfile-registry-resolved': ['omitLockfileRegistryResolved', 'boolean'],
  'replace-registry-host': ['replaceRegistryHost', 'string'],
  'script-shell': ['scriptShell', 'string'],
};

/** What the installer needs from npm's configuration, and where each file came from (for error messages). */
export interface NpmConfig {
  options: RegistryOptions;
  /** The default registry URL, with a trailing slash. */
  registry: string;
  /** The .npmrc files read, most important first. */
  files: string[];
}

/**
 * Reads npm configuration the way npm layers it: `npm_config_*` environment variables, then the
 * project's `.npmrc`, then the user's (`~/.npmrc` or `$npm_config_userconfig`), then the global one
 * (`<node prefix>/etc/npmrc` or `$npm_config_globalconfig`). Per-registry credentials (`//host/:_authToken`) and scoped registries
 * (`@scope:registry`) pass through under their own keys, which is how npm-registry-fetch looks them
 * up; `${VAR}` in values is expanded from the environment as npm does. In a Yarn Berry project the
 * registries and credentials are Yarn's instead (see {@link readYarnRegistrySettings}), since that
 * is where its users keep them.
 */
export async function readNpmConfig(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NpmConfig> {
  const userFile = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(os.homedir(), '.npmrc');
  const globalFile = env.npm_config_globalconfig ?? env.NPM_CONFIG_GLOBALCONFIG ?? path.join(path.dirname(path.dirname(process.execPath)), 'etc', 'npmrc');
  const projectFile = path.join(path.resolve(projectDir), '.npmrc');
  const layers: { file: string; values: Record<string, string> }[] = [];
  for (const file of [globalFile, userFile, projectFile]) {
    const text = await readOptional(file);
    if (text !== undefined) layers.push({ file, values: parseNpmrc(text, env, file) });
  }
  const npm: Record<string, string> = {};
  for (const layer of layers) Object.assign(npm, layer.values);
  Object.assign(npm, fromEnv(env));
  // Yarn Berry never reads .npmrc: its registries and credentials replace npm's, other settings stay.
  const yarn = await readYarnRegistrySettings(projectDir, env);
  const raw: Record<string, string> = yarn === null ? npm : { ...Object.fromEntries(Object.entries(npm).filter(([key]) => !isRegistryKey(key))), ...yarn.values };

  const options: RegistryOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    const known = KNOWN[key];
    if (known) options[known[0]] = convert(value, known[1], key);
    else if (key.startsWith('//') || /^@[^/]+:registry$/.test(key)) options[key] = value;
  }
  if (raw.cafile !== undefined && options.ca === undefined) options.ca = await readFile(raw.cafile, 'utf8');
  // npm's "cache" is the folder that holds _cacache; arborist and pacote want _cacache itself.
  if (raw.cache !== undefined) options.cache = path.join(raw.cache, '_cacache');
  const registry = withSlash(typeof options.registry === 'string' ? options.registry : 'https://registry.npmjs.org/');
  options.registry = registry;
  return { options, registry, files: [...(yarn?.files ?? []), ...layers.map((l) => l.file).reverse()] };
}

function isRegistryKey(key: string): boolean {
  return key === 'registry' || key.startsWith('//') || /^@[^/]+:registry$/.test(key) || key === '_auth' || key === '_authToken';
}

/**
 * The registry and credential settings of a Yarn Berry project, as npm config keys, or `null` when
 * the project is not Yarn Berry's (npm, pnpm, Bun and Yarn classic read .npmrc). Yarn reads
 * `.yarnrc.yml` from the home folder, then from every folder down to the project (the nearest
 * wins), then `YARN_NPM_REGISTRY_SERVER`/`YARN_NPM_AUTH_TOKEN`: `npmRegistryServer` is the
 * registry, `npmScopes.<scope>` a scope's registry and credentials, `npmRegistries.<url>` a
 * registry's credentials, and `npmAuthToken`/`npmAuthIdent` the default registry's. `${VAR}` and
 * `${VAR:-default}` are expanded from the environment, as Yarn does.
 */
export async function readYarnRegistrySettings(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ values: Record<string, string>; files: string[] } | null> {
  const root = path.resolve(projectDir);
  const manifest = await readJsonObject(path.join(root, 'package.json'));
  if ((await detectPackageManager(root, manifest)).name !== 'yarn-berry') return null;
  const rcName = env.YARN_RC_FILENAME ?? '.yarnrc.yml';
  const folders: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  const home = os.homedir();
  const candidates = [path.join(home, rcName), ...folders.filter((dir) => dir !== home).map((dir) => path.join(dir, rcName))];
  const settings: Record<string, unknown> = {};
  const files: string[] = [];
  for (const file of candidates) {
    const text = await readOptional(file);
    if (text === undefined) continue;
    files.push(file);
    const rc = parseYaml(text, file);
    for (const [key, value] of Object.entries(rc)) settings[key] = key === 'npmScopes' || key === 'npmRegistries' ? { ...(objectOr(settings[key])), ...objectOr(value) } : value;
  }
  if (env.YARN_NPM_REGISTRY_SERVER !== undefined) settings.npmRegistryServer = env.YARN_NPM_REGISTRY_SERVER;
  if (env.YARN_NPM_AUTH_TOKEN !== undefined) settings.npmAuthToken = env.YARN_NPM_AUTH_TOKEN;
  const at = files[files.length - 1] ?? path.join(root, rcName);
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? expandYarn(value, env, at) : undefined);
  const values: Record<string, string> = {};
  const registry = withSlash(text(settings.npmRegistryServer) ?? 'https://registry.yarnpkg.com');
  values.registry = registry;
  const credentials = (url: string, source: Record<string, unknown>): void => {
    const token = text(source.npmAuthToken);
    const ident = text(source.npmAuthIdent);
    if (token !== undefined) values[`${nerfDart(url)}:_authToken`] = token;
    if (ident !== undefined) values[`${nerfDart(url)}:_auth`] = ident.includes(':') ? Buffer.from(ident).toString('base64') : ident;
  };
  credentials(registry, settings);
  for (const [url, entry] of Object.entries(objectOr(settings.npmRegistries))) credentials(url.startsWith('//') ? `https:${url}` : url, objectOr(entry));
  for (const [scope, entry] of Object.entries(objectOr(settings.npmScopes))) {
    const scoped = objectOr(entry);
    const server = withSlash(text(scoped.npmRegistryServer) ?? registry);
    values[`@${scope.replace(/^@/, '')}:registry`] = server;
    credentials(server, scoped);
  }
  return { values, files: files.reverse() };
}

/** npm's key for a registry's credentials: the URL without its protocol, ending in a slash. */
function nerfDart(url: string): string {
  const parsed = new URL(url);
  return `//${parsed.host}${parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`}`;
}

function expandYarn(value: string, env: NodeJS.ProcessEnv, file: string): string {
  return value.replace(/\$\{([^}:]+)(?::-([^}]*))?\}/g, (_whole, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`${file} uses \${${name}}, but the environment variable ${name} is not set. Set it, or write \${${name}:-default}.`);
  });
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function readJsonObject(file: string): Promise<Record<string, unknown> | null> {
  const text = await readOptional(file);
  if (text === undefined) return null;
  try {
    return objectOr(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Parses .npmrc text (ini without sections): `key=value`, `;`/`#` comments, quoted values, `${VAR}`. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv, file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    const key = expand((eq === -1 ? line : line.slice(0, eq)).trim(), env, file);
    let value = eq === -1 ? 'true' : line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    values[key.replace(/\[\]$/, '')] = expand(value, env, file);
  }
  return values;
}

function expand(value: string, env: NodeJS.ProcessEnv, file: string): string {
  return value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, slashes: string, name: string) => {
    if (slashes.length % 2 === 1) return whole.slice(1);
    const found = env[name.replace(/\?$/, '')];
    if (found === undefined && !name.endsWith('?')) {
      throw new Error(`${file} uses \${${name}}, but the environment variable ${name} is not set. Set it, or write \${${name}?} to allow it to be empty.`);
    }
    return slashes + (found ?? '');
  });
}

/** npm maps `npm_config_foo_bar` to `foo-bar` (case-insensitive); keys starting with `//` keep their underscores. */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(name)) continue;
    const rest = name.slice('npm_config_'.length).toLowerCase();
    values[rest.startsWith('//') ? rest : rest.replace(/(?!^)_/g, '-')] = value;
  }
  return values;
}

function convert(value: string, kind: 'string' | 'boolean' | 'number', key: string): string | boolean | number {
  if (kind === 'string') return value;
  if (kind === 'boolean') return value !== 'false' && value !== '';
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`npm config "${key}" must be a number, got ${JSON.stringify(value)}; fix it in your .npmrc or environment.`);
  return n;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
