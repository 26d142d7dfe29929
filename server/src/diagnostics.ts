import * as path from 'node:path';
import { builtinModules } from 'node:module';
import semver from 'semver';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { NamespaceModuleNotFoundError, type Project as Routing, type ProjectResolution } from 'multiverse';
import { edgeAt, manifestField, nodeAt, resolveModule, type Conflict } from 'multiverse/tooling';
import { findImports, isSourceFile, packageNameOf, type ImportSite } from './imports';
import { declaredRoute, resolveImport } from './import-resolution';
import type { JsonLocator } from './json-locations';
import type { AnalysisIndex, Project } from './project';

export const SOURCE = 'multiverse';

/** What a diagnostic carries for the code actions that fix it. */
export interface DiagnosticData {
  kind: Conflict['kind'] | 'ghost' | 'range-mismatch' | 'namespace-escape' | 'extension-not-installed' | 'parse-error';
  package: string;
  namespace: string | null;
  /** The JSON path the diagnostic is on, for manifest diagnostics. */
  jsonPath?: string[];
}

const BUILTINS = new Set(builtinModules);

/** The text of a manifest by URI (an open document, or the file as last read), for related locations in other files. */
export type ManifestLookup = (uri: string) => TextDocument | undefined;

/** Diagnostics for one open or on-disk document of a project. */
export function diagnosticsFor(document: TextDocument, project: Project, locator: JsonLocator, manifests: ManifestLookup): Diagnostic[] {
  const file = URI.parse(document.uri).fsPath;
  const diagnostics: Diagnostic[] = [];
  if (project.problem && project.problem.file === file) diagnostics.push(...problemDiagnostics(document, project));
  const index = project.index;
  if (!index) return diagnostics;
  if (path.basename(file) === 'package.json' || file === index.analysis.configFile) diagnostics.push(...manifestDiagnostics(document, file, index, locator, manifests));
  else if (isSourceFile(file)) {
    const namespace = index.routing?.ownerOf(file) ?? null;
    diagnostics.push(...(namespace === null ? sourceDiagnostics(document, file, index) : namespaceSourceDiagnostics(document, file, index, namespace)));
  }
  return diagnostics;
}

function problemDiagnostics(document: TextDocument, project: Project): Diagnostic[] {
  const problem = project.problem;
  if (!problem) return [];
  return problem.problems.map((p) => {
    const start = { line: p.line - 1, character: p.column - 1 };
    const offset = document.offsetAt(start);
    return {
      range: { start, end: document.positionAt(offset + 1) },
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      code: 'parse-error',
      message: `${p.message} (the previous analysis stays until this is fixed)`,
      data: { kind: 'parse-error', package: '', namespace: null } satisfies DiagnosticData,
    };
  });
}

/**
 * One diagnostic per conflict, on the manifest entry that causes it (its first anchor); the other
 * entries that lead to it are its related information, each at its exact range.
 */
function manifestDiagnostics(document: TextDocument, file: string, index: AnalysisIndex, locator: JsonLocator, manifests: ManifestLookup): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const rootManifest = path.join(index.analysis.projectDir, 'package.json');
  for (const conflict of index.analysis.conflicts) {
    const [cause, ...others] = conflict.anchors;
    // A conflict no manifest entry leads to (only extraneous packages are involved) still belongs to the project: show it on the root manifest.
    const jsonPath = cause === undefined ? (file === rootManifest ? ['dependencies'] : undefined) : cause.file === file ? cause.jsonPath : undefined;
    const range = jsonPath && locator.rangeOf(document, jsonPath);
    if (!jsonPath || !range) continue;
    const relatedInformation = others.flatMap((anchor) => {
      const uri = URI.file(anchor.file).toString();
      const other = anchor.file === file ? document : manifests(uri);
      const at = other && locator.rangeOf(other, anchor.jsonPath);
      return at ? [{ location: { uri, range: at }, message: `also: ${path.relative(index.analysis.projectDir, anchor.file) || anchor.file} ${anchor.jsonPath.join('.')}` }] : [];
    });
    diagnostics.push({
      range,
      severity: conflict.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: SOURCE,
      code: conflict.kind,
      message: conflict.message,
      relatedInformation,
      data: { kind: conflict.kind, package: conflict.package, namespace: conflict.namespace, jsonPath } satisfies DiagnosticData,
    });
  }
  return diagnostics;
}

/**
 * In JS/TS sources: imports of packages the governing package.json does not declare (ghost
 * dependencies, which work only because of hoisting and break on the next install), and imports
 * that resolve to a copy outside the declared range.
 */
function sourceDiagnostics(document: TextDocument, file: string, index: AnalysisIndex): Diagnostic[] {
  if (file.split(path.sep).includes('node_modules')) return [];
  const extension = index.routing?.extensionOf(file) ?? null;
  if (extension !== null) return extensionSourceDiagnostics(document, file, index, extension);
  const owner = index.owningProjectPackage(file);
  if (!owner) return [];
  const declared = new Map<string, string>();
  for (const id of owner.edgesOut) {
    const edge = edgeAt(index.analysis.main, id);
    declared.set(edge.name, edge.spec);
  }
  const diagnostics: Diagnostic[] = [];
  for (const site of findImports(file, document.getText())) {
    const name = packageNameOf(site.specifier);
    if (name === null || site.typeOnly || BUILTINS.has(site.specifier) || BUILTINS.has(name) || name === owner.name) continue;
    const range = { start: document.positionAt(site.start), end: document.positionAt(site.end) };
    let namespace: string | null;
    try {
      namespace = declaredRoute(index, file, site.specifier);
    } catch (error) {
      // Two namespaces' scopes both match this file: at run time this import fails.
      diagnostics.push({
        range,
        severity: DiagnosticSeverity.Error,
        source: SOURCE,
        code: 'ambiguous',
        message: error instanceof Error ? error.message : String(error),
        data: { kind: 'ambiguous', package: name, namespace: null } satisfies DiagnosticData,
      });
      continue;
    }
    // Declared in a namespace: whether it is installed is reported on multiverse.json; what
    // remains to check is that the namespace's tree can serve this very import.
    if (namespace !== null) {
      const escape = escapeDiagnostic(index, file, site, namespace, range);
      if (escape) diagnostics.push(escape);
      continue;
    }
    const spec = declared.get(name);
    if (spec === undefined) {
      const installed = lookup(index, file, site);
      const where = installed ? `It resolves to ${installed} only because another package brought it in; the next install may remove or change it.` : 'It is not installed either.';
      diagnostics.push({
        range,
        severity: installed ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
        source: SOURCE,
        code: 'ghost',
        message: `"${name}" is not declared in ${path.relative(index.analysis.projectDir, path.join(owner.path, 'package.json')) || 'package.json'} (a ghost dependency). ${where}`,
        data: { kind: 'ghost', package: name, namespace: null } satisfies DiagnosticData,
      });
      continue;
    }
    const version = lookupVersion(index, file, site);
    if (version && semver.validRange(spec) && !semver.satisfies(version, spec, { includePrerelease: true })) {
      diagnostics.push({
        range,
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: 'range-mismatch',
        message: `"${name}" resolves to ${name}@${version}, outside the declared range "${spec}". Run the install again, or isolate the package in a namespace.`,
        data: { kind: 'range-mismatch', package: name, namespace: null } satisfies DiagnosticData,
      });
    }
  }
  return diagnostics;
}

/**
 * In the files of an isolated extension: imports of packages its multiverse.json entry does not
 * declare (its worker finds them only by falling back to the app's node_modules), imports its tree
 * does not have yet (installed when the extension first loads), and copies outside the declared
 * range. `multiverse` itself is provided to every extension.
 */
function extensionSourceDiagnostics(document: TextDocument, file: string, index: AnalysisIndex, extension: string): Diagnostic[] {
  const routing = index.routing;
  const declared = index.analysis.config?.extensions[extension]?.dependencies ?? {};
  if (!routing) return [];
  const diagnostics: Diagnostic[] = [];
  for (const site of findImports(file, document.getText())) {
    const name = packageNameOf(site.specifier);
    if (name === null || site.typeOnly || BUILTINS.has(site.specifier) || BUILTINS.has(name) || name === 'multiverse') continue;
    const range = { start: document.positionAt(site.start), end: document.positionAt(site.end) };
    let resolution: ProjectResolution | undefined;
    try {
      resolution = routing.resolve(site.specifier, file, { conditions: site.conditions, node: index.node.version });
    } catch {
      resolution = undefined;
    }
    const found = resolution?.packageName ? `${resolution.packageName}@${resolution.version ?? '?'}` : undefined;
    const spec = Object.hasOwn(declared, name) ? declared[name] : undefined;
    const data = { kind: 'ghost', package: name, namespace: null } satisfies DiagnosticData;
    if (spec === undefined) {
      diagnostics.push({
        range,
        severity: found ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
        source: SOURCE,
        code: 'ghost',
        message: `"${name}" is not among the dependencies of extension "${extension}" in multiverse.json. ${found ? `Its worker loads ${found} from the main tree only by falling back to the app's node_modules.` : 'Nothing in the project has it either.'}`,
        data,
      });
    } else if (resolution?.kind !== 'extension') {
      diagnostics.push({
        range,
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: 'extension-not-installed',
        message: `"${name}" is a dependency of extension "${extension}", but its tree (.multiverse/.extensions/${extension}) does not have it: the tree is installed when the extension loads. Until then this import ${found ? `resolves to ${found} from the main tree` : 'resolves to nothing'}.`,
        data: { ...data, kind: 'extension-not-installed' },
      });
    } else if (resolution.version && semver.validRange(spec) && !semver.satisfies(resolution.version, spec, { includePrerelease: true })) {
      diagnostics.push({
        range,
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: 'range-mismatch',
        message: `"${name}" resolves to ${found ?? name} in extension "${extension}"'s tree, outside the declared range "${spec}". Load the extension again to reinstall its tree.`,
        data: { ...data, kind: 'range-mismatch' },
      });
    }
  }
  return diagnostics;
}

/**
 * An import routed into a namespace whose tree cannot resolve it, while plain Node would find it
 * in the main tree: it works without Multiverse and fails with it, because namespaces do not fall
 * back to the app's node_modules.
 */
function escapeDiagnostic(index: AnalysisIndex, file: string, site: ImportSite, namespace: string, range: Range): Diagnostic | undefined {
  if (!index.routing) return undefined;
  let failure: unknown;
  try {
    index.routing.resolve(site.specifier, file, { conditions: site.conditions, node: index.node.version });
    return undefined;
  } catch (error) {
    failure = error;
  }
  const plain = plainNodePath(index, file, site);
  if (plain === undefined) return undefined;
  const name = packageNameOf(site.specifier) ?? site.specifier;
  return {
    range,
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: 'namespace-escape',
    message: `"${site.specifier}" goes to namespace "${namespace}", whose tree cannot resolve it (${failure instanceof Error ? failure.message : String(failure)}). Plain Node would load ${path.relative(index.analysis.projectDir, plain)} from the main tree, but namespaces never fall back to it: add what is missing to the namespace's dependencies, or list "${name}" in its "shared".`,
    data: { kind: 'namespace-escape', package: name, namespace } satisfies DiagnosticData,
  };
}

/**
 * In a file of a namespace's tree (a plugin's source opened from `.multiverse/<ns>/node_modules`):
 * imports of packages the namespace cannot serve. At run time the namespace refuses them, because
 * its code resolves only in its own tree, built-ins and its `shared` packages; plain Node would
 * walk up out of `.multiverse/` into the app's node_modules, so it is an error when that is what
 * would hide the problem, and a warning when nothing has the package (an optional dependency the
 * code may handle).
 */
function namespaceSourceDiagnostics(document: TextDocument, file: string, index: AnalysisIndex, namespace: string): Diagnostic[] {
  const routing = index.routing;
  if (!routing) return [];
  const diagnostics: Diagnostic[] = [];
  for (const site of findImports(file, document.getText())) {
    const name = packageNameOf(site.specifier);
    if (name === null || site.typeOnly) continue;
    const refusal = refusedImport(routing, file, site, index.node.version);
    if (!refusal) continue;
    const plain = plainNodePath(index, file, site);
    const outside =
      plain === undefined
        ? 'Nothing else in the project has it either: unless the code handles its absence, it fails.'
        : `Plain Node would load ${path.relative(index.analysis.projectDir, plain)} from outside the namespace's tree, but a namespace never falls back to it.`;
    diagnostics.push({
      range: { start: document.positionAt(site.start), end: document.positionAt(site.end) },
      severity: plain === undefined ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: SOURCE,
      code: 'namespace-escape',
      message: `Cannot find module '${site.specifier}' in namespace "${namespace}": this file is in the namespace's tree, and code there resolves only inside it, built-ins and its "shared" packages. ${outside} ${refusal.fix}`.trimEnd(),
      data: { kind: 'namespace-escape', package: name, namespace } satisfies DiagnosticData,
    });
  }
  return diagnostics;
}

/** The runtime's refusal of an import, when the namespace cannot serve it. */
function refusedImport(routing: Routing, file: string, site: ImportSite, node: string): NamespaceModuleNotFoundError | undefined {
  try {
    routing.resolve(site.specifier, file, { conditions: site.conditions, node });
    return undefined;
  } catch (error) {
    return error instanceof NamespaceModuleNotFoundError ? error : undefined;
  }
}

/** What Node alone would load for the import (no namespaces), if anything. */
function plainNodePath(index: AnalysisIndex, file: string, site: ImportSite): string | undefined {
  try {
    return resolveModule(site.specifier, file, { conditions: site.conditions, node: index.node.version, cache: index.resolverCache }).path;
  } catch {
    return undefined;
  }
}

function lookup(index: AnalysisIndex, file: string, site: ImportSite): string | undefined {
  const version = lookupVersion(index, file, site);
  const name = packageNameOf(site.specifier);
  return version && name ? `${name}@${version}` : undefined;
}

function lookupVersion(index: AnalysisIndex, file: string, site: ImportSite): string | undefined {
  try {
    const { copy, resolution } = resolveImport(index, file, site.specifier, site.conditions);
    return copy?.node.version ?? resolution.version ?? undefined;
  } catch {
    return undefined;
  }
}

/** The package.json entry (root tree, project package) that declares `name`, for code actions on imports. */
export function declaringEntry(index: AnalysisIndex, file: string, name: string): { manifest: string; jsonPath: string[] } | undefined {
  const owner = index.owningProjectPackage(file);
  if (!owner) return undefined;
  for (const id of owner.edgesOut) {
    const edge = edgeAt(index.analysis.main, id);
    if (edge.name !== name) continue;
    return { manifest: path.join(nodeAt(index.analysis.main, edge.from).path, 'package.json'), jsonPath: [manifestField(edge.type), name] };
  }
  return undefined;
}
