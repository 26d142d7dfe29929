import { readFile } from 'node:fs/promises';
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';

/**
 * The documents the client has open, kept in sync with incremental edits, and a way to read any
 * other file as a document, so every feature works the same on open and closed files.
 */
export class DocumentStore {
  private readonly open = new Map<string, TextDocument>();

  didOpen(params: DidOpenTextDocumentParams): TextDocument {
    const { uri, languageId, version, text } = params.textDocument;
    const document = TextDocument.create(uri, languageId, version, text);
    this.open.set(uri, document);
    return document;
  }

  didChange(params: DidChangeTextDocumentParams): TextDocument | undefined {
    const document = this.open.get(params.textDocument.uri);
    if (!document) return undefined;
    const updated = TextDocument.update(document, params.contentChanges, params.textDocument.version);
    this.open.set(params.textDocument.uri, updated);
    return updated;
  }

  didClose(uri: string): void {
    this.open.delete(uri);
  }

  get(uri: string): TextDocument | undefined {
    return this.open.get(uri);
  }

  all(): TextDocument[] {
    return [...this.open.values()];
  }

  /** The open document, or the file's contents on disk; `undefined` when neither exists. */
  async read(uri: string): Promise<TextDocument | undefined> {
    const open = this.open.get(uri);
    if (open) return open;
    try {
      return TextDocument.create(uri, 'json', 0, await readFile(URI.parse(uri).fsPath, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
