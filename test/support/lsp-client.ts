import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver/node';
import type { CodeAction, Command, Diagnostic, InitializeResult, PublishDiagnosticsParams, Range, WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { repoRoot } from './paths';

/** `node dist/server.js --stdio` driven by a real JSON-RPC client, as an editor drives it. */
export class StdioClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly stderr: string[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly progress: { kind: string; message?: string }[] = [];
  readonly messages: { type: number; message: string }[] = [];
  /** The editor's buffers: what it has open, with unsaved changes. */
  private readonly buffers = new Map<string, TextDocument>();

  constructor() {
    this.child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    if (!this.child.stdout || !this.child.stdin) throw new Error('the server process has no stdio pipes');
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.test(params.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params.diagnostics);
        }
      }
    });
    // The server registers file watchers and creates progress; an editor says yes to both.
    this.connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (params: { value: { kind: string; message?: string } }) => this.progress.push(params.value));
    this.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => this.messages.push(params));
    // A server may ask the editor to apply an edit; a plain editor applies it to its buffers.
    this.connection.onRequest('workspace/applyEdit', async (params: { edit: WorkspaceEdit }) => ({ applied: await this.applyEdit(params.edit) }));
    this.connection.listen();
  }

  async initialize(folder: string, initializationOptions?: unknown): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folder,
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
        window: { workDoneProgress: true },
        textDocument: { codeAction: { disabledSupport: true } },
      },
      initializationOptions,
      workspaceFolders: [{ uri: folder, name: 'test' }],
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the first published diagnostics for `uri` that pass `test` (including ones already received). */
  diagnosticsFor(uri: string, test: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const known = this.diagnostics.get(uri);
    if (known && test(known)) return Promise.resolve(known);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  /** Opens `file` in a buffer, with its text on disk, as an editor does. */
  async open(file: string, languageId = 'json'): Promise<TextDocument> {
    const uri = URI.file(file).toString();
    const document = TextDocument.create(uri, languageId, 1, await readFile(file, 'utf8'));
    this.buffers.set(uri, document);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text: document.getText() } });
    return document;
  }

  /** The buffer of `file`, when open. */
  buffer(file: string): TextDocument | undefined {
    return this.buffers.get(URI.file(file).toString());
  }

  /** Replaces a buffer's whole text, unsaved, as typing would. */
  async type(file: string, text: string): Promise<void> {
    const uri = URI.file(file).toString();
    const current = this.buffers.get(uri);
    if (!current) throw new Error(`${file} is not open`);
    const document = TextDocument.create(uri, current.languageId, current.version + 1, text);
    this.buffers.set(uri, document);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: document.version }, contentChanges: [{ text }] });
  }

  /** The code actions at `range` of `file`. */
  codeActions(file: string, range: Range, diagnostics: Diagnostic[] = []): Promise<(CodeAction | Command)[] | null> {
    return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: URI.file(file).toString() }, range, context: { diagnostics } });
  }

  /**
   * Applies a WorkspaceEdit the way a plain editor does (Neovim, Helix, Emacs): into its buffers,
   * opening files it does not have open, checking versions, and saving nothing.
   */
  async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        if (change.kind !== 'create') return false;
        const document = TextDocument.create(change.uri, 'json', 1, '');
        this.buffers.set(change.uri, document);
        await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: change.uri, languageId: 'json', version: 1, text: '' } });
        continue;
      }
      const { uri, version } = change.textDocument;
      if (!this.buffers.has(uri)) await this.open(URI.parse(uri).fsPath);
      const current = this.buffers.get(uri) as TextDocument;
      if (version !== null && version !== current.version) return false;
      await this.type(URI.parse(uri).fsPath, TextDocument.applyEdits(current, change.edits));
    }
    return true;
  }

  /** Runs a command through `workspace/executeCommand`, as an editor does for a code action's command. */
  executeCommand<T>(command: Command): Promise<T> {
    return this.connection.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments });
  }

  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', resolve));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    this.child.kill();
  }
}
