import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import type { CodeAction, Hover, MarkupContent, Position, TextDocumentEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { MultiverseServer, RecordingHost } from './lsp';

/** What an editor like VS Code announces: dynamic file watchers and work-done progress. */
export const EDITOR = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } };

/** An in-process server with `dir` as its one workspace folder, after the first analysis. */
export async function started(dir: string): Promise<{ server: MultiverseServer; host: RecordingHost; folder: string }> {
  const host = new RecordingHost();
  const server = new MultiverseServer(host);
  const folder = URI.file(dir).toString();
  server.initialize({ processId: null, rootUri: null, capabilities: EDITOR, workspaceFolders: [{ uri: folder, name: 'app' }] });
  await server.initialized();
  await server.settled();
  return { server, host, folder };
}

export function open(server: MultiverseServer, file: string, text: string, languageId = 'javascript'): string {
  const uri = URI.file(file).toString();
  server.didOpen({ textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

export function positionOf(text: string, needle: string, delta = 1): Position {
  const document = TextDocument.create('file:///x', 'javascript', 1, text);
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the text`);
  return document.positionAt(offset + delta);
}

export function markdown(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  return (hover.contents as MarkupContent).value;
}

/** Applies a code action's edit to the files on disk, as the editor would on accept-and-save. */
export async function applyToDisk(action: CodeAction): Promise<void> {
  for (const change of action.edit?.documentChanges ?? []) {
    if (!('textDocument' in change)) continue;
    const file = URI.parse((change as TextDocumentEdit).textDocument.uri).fsPath;
    const before = await readFile(file, 'utf8').catch(() => '');
    const document = TextDocument.create('file:///x', 'json', 1, before);
    await writeFile(file, TextDocument.applyEdits(document, (change as TextDocumentEdit).edits));
  }
}
