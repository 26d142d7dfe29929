import Module from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { type Resolution, ResolveError, ResolverCache, resolveModule } from '../resolver';
import { barePackageName } from './bare-name';
import { commonJsExportNames, reexportSource } from './commonjs-exports';
import { BRIDGE_KEY, FACADE_URL, type FromHooks, type NamespaceInfo, tagOf, taggedUrl, type ToHooks } from './esm-protocol';

/*
 * The one set of loader hooks that serves every namespace (hooks are process-wide, so there is a
 * single registration, made on the first ESM use of any namespace). A module URL tagged
 * `?mvns=<id>` belongs to namespace <id>; everything it imports is resolved by the Multiverse
 * resolver inside that namespace and tagged the same way, so one file instantiates once per
 * namespace. Untagged URLs (the app) go straight to Node's own resolution.
 */

interface Member {
  info: NamespaceInfo;
  cache: ResolverCache;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
interface LoadContext {
  format?: string | null;
}
type NextResolve = (specifier: string, context?: Partial<ResolveContext>) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context?: LoadContext) => Promise<{ format: string; source?: string | ArrayBuffer | null }>;

const members = new Map<string, Member>();
const resolutions = new Map<string, Resolution>();
let loaded: FromHooks['loaded'] = [];
let port: MessagePort | null = null;

export function initialize(data: { port: MessagePort }): void {
  port = data.port;
  port.on('message', (message: ToHooks) => {
    if (message.type === 'add') {
      members.set(message.namespace.id, { info: message.namespace, cache: new ResolverCache() });
      acknowledge(message.seq);
    } else if (message.type === 'remove') {
      members.delete(message.id);
    } else {
      acknowledge(message.seq);
    }
  });
  port.unref();
}

function acknowledge(seq: number): void {
  port?.postMessage({ type: 'ack', seq, loaded } satisfies FromHooks);
  loaded = [];
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; format?: string | null; shortCircuit?: boolean }> {
  if (specifier.startsWith(`${FACADE_URL}?`)) return { url: specifier, format: 'module', shortCircuit: true };
  const id = tagOf(context.parentURL);
  if (id === null) return next(specifier, context);
  const member = members.get(id);
  if (member === undefined) {
    throw new Error(`Cannot import ${JSON.stringify(specifier)} from ${context.parentURL}: its namespace was disposed. Create a new namespace instead.`);
  }
  if (specifier === 'module' || specifier === 'node:module') return { url: taggedUrl(FACADE_URL, id), format: 'module', shortCircuit: true };
  if (Module.isBuiltin(specifier) || specifier.startsWith('data:')) return next(specifier, context);
  const name = barePackageName(specifier);
  if (name !== null && member.info.shared.includes(name)) {
    return next(specifier, { ...context, parentURL: pathToFileURL(path.join(member.info.host, 'package.json')).href });
  }
  const parentFile = fileURLToPath(stripTag(context.parentURL as string));
  let resolution: Resolution;
  try {
    resolution = resolveModule(specifier, parentFile, { conditions: 'import', boundary: member.info.root, cache: member.cache });
  } catch (error) {
    if (!(error instanceof ResolveError)) throw error;
    const hint = name === null ? '' : ` Namespace "${member.info.name}" resolves packages only from ${member.info.root}/node_modules: add "${name}" to its dependencies, or list it in "shared".`;
    throw Object.assign(new Error(`Cannot find module '${specifier}' in namespace "${member.info.name}", imported from ${parentFile}. ${error.message}${hint}`), {
      code: error.code === 'MODULE_NOT_FOUND' ? 'ERR_MODULE_NOT_FOUND' : error.code,
    });
  }
  const url = taggedUrl(pathToFileURL(resolution.path).href, id);
  resolutions.set(url, resolution);
  return { url, format: resolution.format, shortCircuit: true };
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<{ format: string; source?: string | ArrayBuffer | null; shortCircuit?: boolean }> {
  const id = tagOf(url);
  if (url.startsWith(`${FACADE_URL}?`) && id !== null) {
    const names = Object.keys(Module).filter((key) => key !== 'default');
    return { format: 'module', source: reexportSource(bridgeCall('moduleFacade', id), names), shortCircuit: true };
  }
  const member = id === null ? undefined : members.get(id);
  if (id === null || member === undefined) return next(url, context);
  const file = fileURLToPath(stripTag(url));
  const resolution = resolutions.get(url) ?? resolveModule(file, file, { conditions: 'import', boundary: member.info.root, cache: member.cache });
  loaded.push({ id, resolution });
  if (resolution.format === 'commonjs') {
    // Node would hand this file to its own CommonJS loader and cache it in the app's registry;
    // instead an ES module stands in that takes the exports from the namespace's registry.
    const names = commonJsExportNames(file, member.info.root, member.cache);
    return { format: 'module', source: reexportSource(bridgeCall('commonjs', id, file), names), shortCircuit: true };
  }
  return next(url, context);
}

function bridgeCall(method: 'commonjs' | 'moduleFacade', ...args: string[]): string {
  return `globalThis[Symbol.for(${JSON.stringify(BRIDGE_KEY)})].${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

function stripTag(url: string): URL {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed;
}
