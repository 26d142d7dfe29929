import * as path from 'node:path';
import { CONFIG_FILE, edgeAt } from 'multiverse/tooling';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { declaringEntry, SOURCE, type DiagnosticData } from './diagnostics';
import type { DocumentStore } from './documents';
import { findImports, importAt, isSourceFile, packageNameOf } from './imports';
import { isolationAction } from './isolation';
import type { JsonLocator } from './json-locations';
import { namespaceDependencyEdit, sharedEdit } from './manifest-edits';
import type { AnalysisIndex, Project } from './project';
import { Commands, type InstallArguments } from './protocol';

/** package.json fields a dependency can be isolated from (peer dependencies belong to the package's users). */
const ISOLATABLE_FIELDS = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);

/**
 * Code actions for a range: "Isolate dependency" on a package.json entry or an import of a declared
 * package, "Move back to the main tree" on a namespace dependency in multiverse.json, "Install
 * namespaces" on namespaces that are not installed or stale.
 */
export async function codeActions(params: CodeActionParams, document: TextDocument, project: Project, documents: DocumentStore, locator: JsonLocator, client: { disabledSupport: boolean }): Promise<CodeAction[]> {
  const index = project.index;
  if (!index) return [];
  const context: ActionContext = {
    project,
    index,
    document,
    documents,
    locator,
    file: URI.parse(document.uri).fsPath,
    offset: document.offsetAt(params.range.start),
    configFile: index.analysis.configFile ?? path.join(index.analysis.projectDir, CONFIG_FILE),
    diagnostics: params.context.diagnostics.filter((d) => d.source === SOURCE),
    disabledSupport: client.disabledSupport,
  };
  if (path.basename(context.file) === 'package.json') return packageJsonActions(context);
  if (context.file === context.configFile) return configActions(context);
  if (isSourceFile(context.file)) return sourceActions(context);
  return [];
}

interface ActionContext {
  project: Project;
  index: AnalysisIndex;
  document: TextDocument;
  documents: DocumentStore;
  locator: JsonLocator;
  file: string;
  offset: number;
  configFile: string;
  diagnostics: Diagnostic[];
  disabledSupport: boolean;
}

/** On a dependency entry of package.json: isolate it. */
async function packageJsonActions(c: ActionContext): Promise<CodeAction[]> {
  const jsonPath = c.locator.pathAt(c.document, c.offset) ?? c.diagnostics.map(dataOf).find((d) => d?.jsonPath)?.jsonPath;
  const [field, name] = jsonPath ?? [];
  // Namespaces belong to the project: only the root package.json's dependencies move into them.
  if (c.file !== path.join(c.index.analysis.projectDir, 'package.json')) return [];
  if (!field || !name || c.locator.stringAt(c.document, [field, name]) === undefined || !ISOLATABLE_FIELDS.has(field)) return [];
  const related = c.diagnostics.filter((d) => dataOf(d)?.jsonPath?.join('\0') === [field, name].join('\0'));
  return present(await isolateAction(c, name, related));
}

/** In multiverse.json: move a namespace dependency back; install namespaces that need it. */
async function configActions(c: ActionContext): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  const jsonPath = c.locator.pathAt(c.document, c.offset);
  if (jsonPath?.[0] === 'namespaces' && jsonPath[2] === 'dependencies' && jsonPath[1] && jsonPath[3]) {
    const [, namespace, , name] = jsonPath;
    const moveBack = await isolationAction(c.project.uri, c.project.dir, { action: 'move-back', package: name, namespace }, (uri) => c.documents.get(uri), { disabledSupport: c.disabledSupport });
    if (moveBack) actions.push(moveBack);
  }
  const installable = c.diagnostics.filter((d) => d.code === 'namespace-not-installed' || d.code === 'namespace-stale');
  if (installable.length > 0 || c.index.analysis.namespaceSummaries.some((n) => n.state !== 'installed')) {
    actions.push({
      title: 'Install namespaces',
      kind: installable.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.Source,
      diagnostics: installable,
      isPreferred: installable.length > 0,
      command: { title: 'Install namespaces', command: Commands.installNamespaces, arguments: [{ folder: c.project.uri } satisfies InstallArguments] },
    });
  }
  return actions;
}

/** In source files: fixes for imports a namespace refuses, and Isolate on an import of a declared package. */
async function sourceActions(c: ActionContext): Promise<CodeAction[]> {
  const owner = c.index.routing?.ownerOf(c.file) ?? null;
  return owner === null ? isolateImportActions(c) : namespaceImportFixes(c, owner);
}

/**
 * In a file of namespace `namespace`'s tree, for each import the namespace refuses: declare the
 * package in the namespace (then install its tree, as Isolate does, before multiverse.json is
 * saved), or, when the app has it, share the app's copy (saving multiverse.json then makes the
 * namespace stale, which offers "Install namespaces" to rewrite the map).
 */
async function namespaceImportFixes(c: ActionContext, namespace: string): Promise<CodeAction[]> {
  const refused = c.diagnostics.filter((d) => dataOf(d)?.kind === 'namespace-escape' && dataOf(d)?.namespace === namespace);
  if (refused.length === 0) return [];
  const config = (await c.documents.read(URI.file(c.configFile).toString()))?.getText() ?? null;
  const open = (uri: string): TextDocument | undefined => c.documents.get(uri);
  const current = c.index.analysis.namespaceSummaries.find((n) => n.name === namespace)?.dependencies ?? {};
  const actions: CodeAction[] = [];
  for (const diagnostic of refused) {
    const name = dataOf(diagnostic)?.package ?? '';
    const spec = wantedSpec(c.index, c.file, name);
    const install: InstallArguments = { folder: c.project.uri, namespaces: { [namespace]: { ...current, [name]: spec } } };
    actions.push({
      title: `Add '${name}@${spec}' to namespace '${namespace}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: namespaceDependencyEdit(c.configFile, config, open, namespace, name, spec),
      command: { title: `Install namespace '${namespace}'`, command: Commands.installNamespaces, arguments: [install] },
    });
    if (c.index.copiesOf(name).some((copy) => copy.graph.namespace === null)) {
      actions.push({
        title: `Share the app's '${name}' with namespace '${namespace}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: sharedEdit(c.configFile, config, open, namespace, name),
      });
    }
  }
  return actions;
}

/**
 * The spec to declare `name` with in a namespace: the range the importing package itself gives it
 * (often a peer or optional dependency), else the app's installed major, else the latest release.
 */
function wantedSpec(index: AnalysisIndex, file: string, name: string): string {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const located = index.nodeAtPath(dir);
    if (!located) continue;
    const edge = located.node.edgesOut.map((id) => edgeAt(located.graph, id)).find((e) => e.name === name);
    if (edge) return edge.spec;
    break;
  }
  const app = index.copiesOf(name).find((copy) => copy.graph.namespace === null);
  return app ? `^${app.node.version}` : 'latest';
}

/** On an import of a package the root package.json declares: isolate that package. */
async function isolateImportActions(c: ActionContext): Promise<CodeAction[]> {
  const site = importAt(findImports(c.file, c.document.getText()), c.offset);
  const name = site ? packageNameOf(site.specifier) : null;
  const entry = name ? declaringEntry(c.index, c.file, name) : undefined;
  if (!name || !entry || !ISOLATABLE_FIELDS.has(entry.jsonPath[0] ?? '') || entry.manifest !== path.join(c.index.analysis.projectDir, 'package.json')) return [];
  return present(await isolateAction(c, name, []));
}

function isolateAction(c: ActionContext, name: string, diagnostics: Diagnostic[]): Promise<CodeAction | undefined> {
  return isolationAction(c.project.uri, c.project.dir, { action: 'isolate', package: name }, (uri) => c.documents.get(uri), { diagnostics, disabledSupport: c.disabledSupport });
}

function present(action: CodeAction | undefined): CodeAction[] {
  return action === undefined ? [] : [action];
}

function dataOf(diagnostic: Diagnostic): DiagnosticData | undefined {
  const data = diagnostic.data as DiagnosticData | undefined;
  return data && typeof data === 'object' && typeof data.kind === 'string' ? data : undefined;
}
