import { parse, type ParseError } from 'jsonc-parser';

export type Isolation = 'worker' | 'process';

/** An extension as multiverse.json declares it; what the Isolated Extensions view lists before anything runs. */
export interface DeclaredExtension {
  name: string;
  /** Relative to the project root, as written. */
  path: string;
  isolation: Isolation;
  dependencies: Record<string, string>;
}

/**
 * The `extensions` of a multiverse.json text. Entries without a usable `path` are skipped: the
 * server already reports them as config errors, and the runtime would refuse to load them.
 * `defaultIsolation` (the `multiverse.extensions.defaultIsolation` setting) fills in a missing `isolation`.
 */
export function declaredExtensions(text: string, defaultIsolation: Isolation): DeclaredExtension[] {
  const errors: ParseError[] = [];
  const config = parse(text, errors, { allowTrailingComma: true }) as unknown;
  if (!isRecord(config) || !isRecord(config.extensions)) return [];
  const declared: DeclaredExtension[] = [];
  for (const [name, entry] of Object.entries(config.extensions)) {
    if (!isRecord(entry) || typeof entry.path !== 'string' || entry.path === '') continue;
    const isolation = entry.isolation === 'worker' || entry.isolation === 'process' ? entry.isolation : defaultIsolation;
    const dependencies = isRecord(entry.dependencies)
      ? Object.fromEntries(Object.entries(entry.dependencies).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
    declared.push({ name, path: entry.path, isolation, dependencies });
  }
  return declared.sort((a, b) => a.name.localeCompare(b.name));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
