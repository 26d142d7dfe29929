/** The package a bare specifier names (`@scope/name` or `name`), or null for paths, `#` and URLs. */
export function barePackageName(specifier: string): string | null {
  if (/^(\.|\/|#|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? null);
}
