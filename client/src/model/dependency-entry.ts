import { findNodeAtLocation, parseTree } from 'jsonc-parser';

export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * Where `name` is declared in a package.json text: the key's offset and length. The server's
 * code actions are asked for at this spot, the same place a light bulb would offer them.
 */
export function findDependencyEntry(text: string, name: string): { field: (typeof DEPENDENCY_FIELDS)[number]; offset: number; length: number } | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  for (const field of DEPENDENCY_FIELDS) {
    const value = findNodeAtLocation(root, [field, name]);
    const key = value?.parent?.children?.[0];
    if (key) return { field, offset: key.offset, length: key.length };
  }
  return undefined;
}
