import Module from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Loaded, LoadContext, ResolveContext, Resolved } from '../loader-hooks';
import { type Resolution, ResolveError, ResolverCache, resolveModule } from '../resolver';
import { barePackageName } from './bare-name';
import { commonJsExportNames, reexportSource } from './commonjs-exports';
import { BRIDGE_KEY, FACADE_URL, type NamespaceInfo, tagOf, taggedUrl } from './esm-protocol';

/*
 * The resolve and load hooks that serve every namespace of the `hooks` strategy. A module URL
 * tagged `?mvns=<id>` belongs to namespace <id>; everything it imports is resolved by the
 * Multiverse resolver inside that namespace and tagged the same way, so one file instantiates once
 * per namespace. Untagged URLs (the app) go straight to Node's own resolution.
 *
 * The hooks are written once for both ways Node runs them: in-thread and synchronous under
 * `module.registerHooks` (Node 22.15+), or on a thread of their own under `module.register` (Node
 * 20), where `next` returns a promise. They only ever return `next(...)` as it comes, never its
 * result, so the same code serves both.
 */


interface Member {
  info: NamespaceInfo;
  cache: ResolverCache;
}

export class NamespaceRouting {
  private readonly members = new Map<string, Member>();
  private readonly resolutions = new Map<string, Resolution>();

  /** `loaded` hears of every module a namespace loads, before it runs. */
  constructor(private readonly loaded: (id: string, resolution: Resolution) => void) {}

  add(info: NamespaceInfo): void {
    this.members.set(info.id, { info, cache: new ResolverCache() });
  }

  remove(id: string): void {
    this.members.delete(id);
  }

  resolve<R extends Resolved | Promise<Resolved>>(specifier: string, context: ResolveContext, next: (specifier: string, context?: ResolveContext) => R): R | Resolved {
    if (specifier.startsWith(`${FACADE_URL}?`)) return { url: specifier, format: 'module', shortCircuit: true };
    const id = tagOf(context.parentURL);
    if (id === null) return next(specifier, context);
    const member = this.members.get(id);
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
    this.resolutions.set(url, resolution);
    return { url, format: resolution.format, shortCircuit: true };
  }

  load<R extends Loaded | Promise<Loaded>>(url: string, context: LoadContext, next: (url: string, context?: LoadContext) => R): R | Loaded {
    const id = tagOf(url);
    if (url.startsWith(`${FACADE_URL}?`) && id !== null) {
      const names = Object.keys(Module).filter((key) => key !== 'default');
      return { format: 'module', source: reexportSource(bridgeCall('moduleFacade', id), names), shortCircuit: true };
    }
    const member = id === null ? undefined : this.members.get(id);
    if (id === null || member === undefined) return next(url, context);
    const file = fileURLToPath(stripTag(url));
    const resolution = this.resolutions.get(url) ?? resolveModule(file, file, { conditions: 'import', boundary: member.info.root, cache: member.cache });
    this.loaded(id, resolution);
    if (resolution.format === 'commonjs') {
      // Node would hand this file to its own CommonJS loader and cache it in the app's registry;
      // instead an ES module stands in that takes the exports from the namespace's registry.
      const names = commonJsExportNames(file, member.info.root, member.cache);
      return { format: 'module', source: reexportSource(bridgeCall('commonjs', id, file), names), shortCircuit: true };
    }
    return next(url, context);
  }
}

function bridgeCall(method: 'commonjs' | 'moduleFacade', ...args: string[]): string {
  return `globalThis[Symbol.for(${JSON.stringify(BRIDGE_KEY)})].${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

function stripTag(url: string): URL {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed;
}
