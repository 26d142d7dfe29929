import * as path from 'node:path';
import type * as TypeScript from 'typescript';

let typescript: typeof TypeScript | undefined;

/**
 * The TypeScript parser, loaded on the first source file: it is the largest module in the server
 * (about 50 MB once loaded), and a session that only edits manifests never needs it.
 */
function typeScript(): typeof TypeScript {
  // A plain require, so that esbuild bundles the module but evaluates it only when first called.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  typescript ??= require('typescript') as typeof TypeScript;
  return typescript;
}

/** The syntactic form of an import, for messages and for choosing require or import conditions. */
export type ImportKind = 'import' | 'export' | 'dynamic-import' | 'require' | 'require-resolve' | 'import-equals' | 'import-meta-resolve';

export interface ImportSite {
  specifier: string;
  kind: ImportKind;
  /** Offsets of the specifier's text, without its quotes. */
  start: number;
  end: number;
  /** Node resolves `import` forms with the ESM conditions and the rest with the CommonJS ones. */
  conditions: 'import' | 'require';
  /** `import type`/`export type`: erased at compile time, so they load nothing at run time. */
  typeOnly: boolean;
}

/** Source extensions and how TypeScript parses them (`ts.ScriptKind`, inlined so the check needs no parser). */
const SCRIPT_KINDS: Record<string, TypeScript.ScriptKind> = {
  '.js': 1 satisfies TypeScript.ScriptKind.JS,
  '.cjs': 1 satisfies TypeScript.ScriptKind.JS,
  '.mjs': 1 satisfies TypeScript.ScriptKind.JS,
  '.jsx': 2 satisfies TypeScript.ScriptKind.JSX,
  '.ts': 3 satisfies TypeScript.ScriptKind.TS,
  '.cts': 3 satisfies TypeScript.ScriptKind.TS,
  '.mts': 3 satisfies TypeScript.ScriptKind.TS,
  '.tsx': 4 satisfies TypeScript.ScriptKind.TSX,
};

/** Whether imports in this file are analysed (by extension). */
export function isSourceFile(file: string): boolean {
  return path.extname(file) in SCRIPT_KINDS;
}

/**
 * Every import of a module in a JS/TS source, found with the TypeScript parser so comments,
 * strings and template literals never produce false hits, and half-typed code still parses.
 */
export function findImports(fileName: string, text: string): ImportSite[] {
  const ts = typeScript();
  const kind = SCRIPT_KINDS[path.extname(fileName)] ?? ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const sites: ImportSite[] = [];
  const add = (literal: TypeScript.Expression | undefined, importKind: ImportKind, typeOnly = false): void => {
    if (!literal || !(ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal))) return;
    if (literal.text === '') return;
    const start = literal.getStart(source) + 1;
    sites.push({ specifier: literal.text, kind: importKind, start, end: start + literal.text.length, conditions: conditionsOf(importKind), typeOnly });
  };
  const visit = (node: TypeScript.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, 'import', node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, 'export', node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, 'import-equals', node.isTypeOnly);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const [first] = node.arguments;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(first, 'dynamic-import');
      else if (ts.isIdentifier(callee) && callee.text === 'require') add(first, 'require');
      else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve') {
        if (ts.isIdentifier(callee.expression) && callee.expression.text === 'require') add(first, 'require-resolve');
        else if (ts.isMetaProperty(callee.expression) && callee.expression.keywordToken === ts.SyntaxKind.ImportKeyword) add(first, 'import-meta-resolve');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function conditionsOf(kind: ImportKind): 'import' | 'require' {
  return kind === 'import' || kind === 'export' || kind === 'dynamic-import' || kind === 'import-meta-resolve' ? 'import' : 'require';
}

/** The import whose specifier contains `offset` (quotes included, so hovering a quote works too). */
export function importAt(sites: readonly ImportSite[], offset: number): ImportSite | undefined {
  return sites.find((s) => offset >= s.start - 1 && offset <= s.end);
}

/**
 * The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or `null` for relative,
 * absolute, URL, `#imports` and `node:` specifiers.
 */
export function packageNameOf(specifier: string): string | null {
  if (/^(\.|\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) || specifier === '') return null;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : null;
  return parts[0] ?? null;
}
