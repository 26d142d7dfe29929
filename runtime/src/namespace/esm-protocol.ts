import type { Resolution } from '../resolver';

/**
 * Messages between the main thread and the loader-hooks thread (Node 20 runs `module.register()`
 * hooks off-thread). Every answer carries the loads the hooks saw since the last answer, so the
 * reports cost no extra message per module, and a `sync` after an import brings all of its loads.
 */
export interface NamespaceInfo {
  /** The URL tag (`?mvns=<id>`): unique for the life of the process, because ESM never unloads. */
  id: string;
  name: string;
  root: string;
  shared: string[];
  /** Directory that resolves shared packages (the app). */
  host: string;
}

export type ToHooks = { type: 'add'; seq: number; namespace: NamespaceInfo } | { type: 'remove'; id: string } | { type: 'sync'; seq: number };

export interface FromHooks {
  type: 'ack';
  seq: number;
  loaded: { id: string; resolution: Resolution }[];
}

/** The query parameter that tags a module URL with its namespace. */
const TAG = 'mvns';

/** The scheme of the generated `module` built-in facade. */
export const FACADE_URL = 'multiverse:module';

/** Where generated modules find the main-thread side of their namespace. */
export const BRIDGE_KEY = 'multiverse.bridge';

export interface Bridge {
  commonjs(id: string, file: string): unknown;
  moduleFacade(id: string): object;
}

/** The namespace tag of a module URL, or null for host modules. */
export function tagOf(url: string | undefined): string | null {
  if (url === undefined || !url.includes(`${TAG}=`)) return null;
  try {
    return new URL(url).searchParams.get(TAG);
  } catch {
    return null;
  }
}

export function taggedUrl(fileUrl: string, id: string): string {
  return `${fileUrl}?${TAG}=${encodeURIComponent(id)}`;
}
