/**
 * Prototypes carrying this symbol end the search for callable methods: the lifecycle hooks and
 * helpers of ExtensionBase and ProxiedSingleton are not remote methods.
 */
export const rpcBoundary: unique symbol = Symbol.for('multiverse.rpc.boundary');

const cache = new WeakMap<object, ReadonlySet<string>>();

/**
 * Names a remote caller may call on `object`: functions found on it and its prototypes up to
 * `Object.prototype` (or `Function.prototype`: `call` and `bind` are not an API) or a boundary, except the constructor and names starting with "_" (private by
 * convention). Accessors are not methods and are skipped.
 */
export function methodsOf(object: object, refresh = false): ReadonlySet<string> {
  const cached = refresh ? undefined : cache.get(object);
  if (cached !== undefined) return cached;
  const names = new Set<string>();
  for (let o: object | null = object; o !== null && o !== Object.prototype && o !== Function.prototype && !Object.prototype.hasOwnProperty.call(o, rpcBoundary); o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (descriptor !== undefined && typeof descriptor.value === 'function') names.add(name);
    }
  }
  cache.set(object, names);
  return names;
}

/** Finds `method` on `object`, rereading the object once in case methods were added since the last look. */
export function hasMethod(object: object, method: string): boolean {
  return methodsOf(object).has(method) || methodsOf(object, true).has(method);
}
