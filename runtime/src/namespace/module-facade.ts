import Module from 'node:module';
import type { CommonJsLoader } from './cjs-loader';

/**
 * What `require('module')` (and `import ... from 'module'`) gives code inside a namespace: Node's
 * `Module` with the registry-facing members bound to the namespace, the way the Python original
 * replaced `sys` and `importlib` per namespace. Everything else (builtinModules, isBuiltin, wrap,
 * SourceMap, register...) is inherited from the real Module.
 */
export function createModuleFacade(loader: CommonJsLoader): object {
  const facade: object = Object.create(Module) as object;
  Object.defineProperties(facade, {
    Module: { value: facade, enumerable: true },
    _cache: { get: () => loader.cache, enumerable: true },
    createRequire: { value: (filename: string | URL) => loader.createRequire(filename), enumerable: true },
    _resolveFilename: {
      value: (request: string, parent?: Module | null, _isMain?: boolean, options?: { paths?: string[] }) =>
        loader.resolveFilename(request, parent ?? loader.rootModule, options),
      enumerable: true,
    },
    _load: { value: (request: string, parent?: Module | null) => loader.requireFrom(request, parent ?? loader.rootModule), enumerable: true },
  });
  return facade;
}
