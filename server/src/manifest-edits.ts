import { parseTree, findNodeAtLocation } from 'jsonc-parser';
import { editJson, type FileEdit } from 'multiverse/tooling';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';

/** An open document by URI, when the editor has it open (its edits are then checked against its version). */
export type OpenDocuments = (uri: string) => TextDocument | undefined;

/**
 * The WorkspaceEdit that turns each file's `before` into its `after` (the runtime's isolation and
 * move-back plans): one edit across the files, so one undo reverts them all. Each file gets one text
 * edit spanning only what changed; an open document's edit is checked against its version.
 */
export function planWorkspaceEdit(files: FileEdit[], openDocument: OpenDocuments): WorkspaceEdit {
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const file of files) {
    if (file.before === file.after) continue;
    const uri = URI.file(file.file).toString();
    if (file.before === null) {
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.after }] });
      continue;
    }
    const open = openDocument(uri);
    documentChanges.push({ textDocument: { uri, version: open ? open.version : null }, edits: [changedSpan(TextDocument.create(uri, 'json', 0, file.before), file.after)] });
  }
  return { documentChanges };
}

/** Declares `name` with `spec` among the dependencies of `namespace` in multiverse.json (`text` `null`: a new file). */
export function namespaceDependencyEdit(configFile: string, text: string | null, openDocument: OpenDocuments, namespace: string, name: string, spec: string): WorkspaceEdit {
  return configEdit(configFile, text, openDocument, ['namespaces', namespace, 'dependencies', name], spec);
}

/** Adds `name` to the `shared` list of `namespace` in multiverse.json (created when missing). */
export function sharedEdit(configFile: string, text: string | null, openDocument: OpenDocuments, namespace: string, name: string): WorkspaceEdit {
  const root = text === null ? undefined : parseTree(text);
  const list = root && findNodeAtLocation(root, ['namespaces', namespace, 'shared']);
  const shared: unknown[] = list?.type === 'array' ? (list.children ?? []).map((item) => item.value as unknown) : [];
  return configEdit(configFile, text, openDocument, ['namespaces', namespace, 'shared'], [...shared, name]);
}

function configEdit(file: string, text: string | null, openDocument: OpenDocuments, jsonPath: string[], value: unknown): WorkspaceEdit {
  const after = text === null ? `${editJson('{}', jsonPath, value)}\n` : editJson(text, jsonPath, value);
  return planWorkspaceEdit([{ file, before: text, after }], openDocument);
}

/** One edit replacing the part of `document` that differs from `after` (common start and end kept). */
function changedSpan(document: TextDocument, after: string): TextEdit {
  const before = document.getText();
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { range: { start: document.positionAt(start), end: document.positionAt(before.length - end) }, newText: after.slice(start, after.length - end) };
}
