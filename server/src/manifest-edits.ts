import { applyEdits, modify, parse, type FormattingOptions } from 'jsonc-parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';

/** A manifest to edit: its URI and current text (`undefined` when the file does not exist yet). */
export interface ManifestText {
  uri: string;
  document: TextDocument | undefined;
  /** Open in the editor: the edit is then checked against the version the editor has. */
  open: boolean;
}

/** One property to set (or remove, with `undefined`) in a manifest. */
interface Change {
  jsonPath: string[];
  value: unknown;
}

/**
 * The edit behind "Isolate dependency": removes `name` from the package.json field it is declared
 * in and adds it with the same spec to the namespace's dependencies in multiverse.json (created
 * when missing). One WorkspaceEdit, so one undo reverts both files.
 */
export function isolateEdit(packageJson: ManifestText, config: ManifestText, field: string, name: string, spec: string, namespace: string): WorkspaceEdit {
  return workspaceEdit([
    [packageJson, [{ jsonPath: [field, name], value: undefined }]],
    [config, [{ jsonPath: ['namespaces', namespace, 'dependencies', name], value: spec }]],
  ]);
}

/**
 * The edit behind "Move back to the main tree": the reverse of {@link isolateEdit}. A namespace left
 * without dependencies is removed with it, since an empty tree serves nothing.
 */
export function moveBackEdit(packageJson: ManifestText, config: ManifestText, namespace: string, name: string, spec: string): WorkspaceEdit {
  const pkg = packageJson.document ? (parse(packageJson.document.getText()) as { dependencies?: Record<string, string> } | undefined) : undefined;
  const alreadyDeclared = pkg?.dependencies?.[name] !== undefined;
  const ns = config.document ? (parse(config.document.getText()) as { namespaces?: Record<string, { dependencies?: Record<string, string> }> } | undefined)?.namespaces?.[namespace] : undefined;
  const last = Object.keys(ns?.dependencies ?? {}).every((dep) => dep === name);
  return workspaceEdit([
    [config, [{ jsonPath: last ? ['namespaces', namespace] : ['namespaces', namespace, 'dependencies', name], value: undefined }]],
    [packageJson, alreadyDeclared ? [] : [{ jsonPath: ['dependencies', name], value: spec }]],
  ]);
}

/** Declares `name` with `spec` among the dependencies of `namespace` in multiverse.json. */
export function namespaceDependencyEdit(config: ManifestText, namespace: string, name: string, spec: string): WorkspaceEdit {
  return workspaceEdit([[config, [{ jsonPath: ['namespaces', namespace, 'dependencies', name], value: spec }]]]);
}

/** Adds `name` to the `shared` list of `namespace` in multiverse.json (created when missing). */
export function sharedEdit(config: ManifestText, namespace: string, name: string): WorkspaceEdit {
  const ns = config.document ? (parse(config.document.getText()) as { namespaces?: Record<string, { shared?: unknown }> } | undefined)?.namespaces?.[namespace] : undefined;
  const shared = Array.isArray(ns?.shared) ? (ns.shared as unknown[]) : [];
  return workspaceEdit([[config, [{ jsonPath: ['namespaces', namespace, 'shared'], value: [...shared, name] }]]]);
}

function workspaceEdit(files: [ManifestText, Change[]][]): WorkspaceEdit {
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const [manifest, changes] of files) {
    if (changes.length === 0) continue;
    const { document } = manifest;
    if (!document) {
      // A new file (multiverse.json the first time): create it with its whole text.
      const text = changes.reduce((t, c) => applyEdits(t, modify(t, c.jsonPath, c.value, { formattingOptions: formattingOf('') })), '{}');
      documentChanges.push({ kind: 'create', uri: manifest.uri, options: { ignoreIfExists: true } });
      documentChanges.push({ textDocument: { uri: manifest.uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${text}\n` }] });
      continue;
    }
    const original = document.getText();
    const edits: TextEdit[] = [];
    // Each change is computed on the text left by the previous ones, then mapped back to one set of
    // edits on the original text: the client applies them together against the version it has.
    let text = original;
    for (const change of changes) text = applyEdits(text, modify(text, change.jsonPath, change.value, { formattingOptions: formattingOf(original) }));
    if (text !== original) edits.push({ range: { start: document.positionAt(0), end: document.positionAt(original.length) }, newText: text });
    documentChanges.push({ textDocument: { uri: manifest.uri, version: manifest.open ? document.version : null }, edits });
  }
  return { documentChanges };
}

function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
