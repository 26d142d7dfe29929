import * as path from 'node:path';
import { CONFIG_FILE, defaultNamespace } from 'multiverse';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { declaringEntry, type DiagnosticData } from './diagnostics';
import type { DocumentStore } from './documents';
import { findImports, importAt, isSourceFile, packageNameOf } from './imports';
import type { JsonLocator } from './json-locations';
import { isolateEdit, moveBackEdit, type ManifestText } from './manifest-edits';
import type { Project } from './project';
import { Commands, type InstallArguments } from './protocol';

/** package.json fields a dependency can be isolated from (peer dependencies belong to the package's users). */
const ISOLATABLE_FIELDS = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);

/**
 * Code actions for a range: "Isolate dependency" on a package.json entry or an import of a declared
 * package, "Move back to the main tree" on a namespace dependency in multiverse.json, "Install
 * namespaces" on namespaces that are not installed or stale.
 */
export async function codeActions(params: CodeActionParams, document: TextDocument, project: Project, documents: DocumentStore, locator: JsonLocator): Promise<CodeAction[]> {
  const index = project.index;
  if (!index) return [];
  const file = URI.parse(document.uri).fsPath;
  const { analysis } = index;
  const configFile = analysis.configFile ?? path.join(analysis.projectDir, CONFIG_FILE);
  const actions: CodeAction[] = [];
  const offset = document.offsetAt(params.range.start);
  const diagnostics = params.context.diagnostics.filter((d) => d.source === 'multiverse');

  if (path.basename(file) === 'package.json') {
    const jsonPath = locator.pathAt(document, offset) ?? diagnostics.map(dataOf).find((d) => d?.jsonPath)?.jsonPath;
    const [field, name] = jsonPath ?? [];
    const spec = field && name ? locator.stringAt(document, [field, name]) : undefined;
    if (field && name && spec !== undefined && ISOLATABLE_FIELDS.has(field)) {
      const related = diagnostics.filter((d) => dataOf(d)?.jsonPath?.join('\0') === [field, name].join('\0'));
      actions.push(await isolateAction(project, documents, { uri: document.uri, document, open: true }, configFile, field, name, spec, related));
    }
  } else if (file === configFile) {
    const jsonPath = locator.pathAt(document, offset);
    if (jsonPath?.[0] === 'namespaces' && jsonPath[2] === 'dependencies' && jsonPath[1] && jsonPath[3]) {
      const [, namespace, , name] = jsonPath;
      const spec = locator.stringAt(document, jsonPath.slice(0, 4));
      if (spec !== undefined) {
        const packageJson = await manifest(documents, path.join(analysis.projectDir, 'package.json'));
        actions.push({
          title: `Move '${name}' back to the main tree`,
          kind: CodeActionKind.RefactorRewrite,
          edit: moveBackEdit(packageJson, { uri: document.uri, document, open: true }, namespace, name, spec),
        });
      }
    }
    const installable = diagnostics.filter((d) => d.code === 'namespace-not-installed' || d.code === 'namespace-stale');
    if (installable.length > 0 || analysis.namespaceSummaries.some((n) => n.state !== 'installed')) {
      actions.push({
        title: 'Install namespaces',
        kind: installable.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.Source,
        diagnostics: installable,
        isPreferred: installable.length > 0,
        command: { title: 'Install namespaces', command: Commands.installNamespaces, arguments: [{ folder: project.uri } satisfies InstallArguments] },
      });
    }
  } else if (isSourceFile(file)) {
    const site = importAt(findImports(file, document.getText()), offset);
    const name = site ? packageNameOf(site.specifier) : null;
    const entry = name ? declaringEntry(index, file, name) : undefined;
    if (name && entry && ISOLATABLE_FIELDS.has(entry.jsonPath[0] ?? '')) {
      const packageJson = await manifest(documents, entry.manifest);
      const spec = packageJson.document ? locator.stringAt(packageJson.document, entry.jsonPath) : undefined;
      if (spec !== undefined && entry.manifest === path.join(analysis.projectDir, 'package.json')) {
        actions.push(await isolateAction(project, documents, packageJson, configFile, entry.jsonPath[0] ?? 'dependencies', name, spec, []));
      }
    }
  }
  return actions;
}

async function isolateAction(project: Project, documents: DocumentStore, packageJson: ManifestText, configFile: string, field: string, name: string, spec: string, diagnostics: Diagnostic[]): Promise<CodeAction> {
  const analysis = project.index?.analysis;
  // Reuse the namespace that already declares the package, so isolating twice never splits it.
  const existing = analysis?.namespaceSummaries.find((n) => name in n.dependencies);
  const namespace = existing?.name ?? defaultNamespace(name, spec);
  const config = await manifest(documents, configFile);
  const current = analysis?.namespaceSummaries.find((n) => n.name === namespace)?.dependencies ?? {};
  const install: InstallArguments = { folder: project.uri, namespaces: { [namespace]: { ...current, [name]: spec } } };
  return {
    title: `Isolate dependency '${name}'`,
    kind: diagnostics.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.RefactorExtract,
    diagnostics,
    isPreferred: diagnostics.length > 0,
    edit: isolateEdit(packageJson, config, field, name, spec, namespace),
    command: { title: `Install namespace '${namespace}'`, command: Commands.installNamespaces, arguments: [install] },
  };
}

async function manifest(documents: DocumentStore, file: string): Promise<ManifestText> {
  const uri = URI.file(file).toString();
  const open = documents.get(uri);
  return { uri, document: open ?? (await documents.read(uri)), open: open !== undefined };
}

function dataOf(diagnostic: Diagnostic): DiagnosticData | undefined {
  const data = diagnostic.data as DiagnosticData | undefined;
  return data && typeof data === 'object' && typeof data.kind === 'string' ? data : undefined;
}
