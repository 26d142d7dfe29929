import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/**
 * Owns everything the extension starts: the language client, its output channel and the commands.
 * Restarting the server replaces the client but keeps the commands registered.
 */
export class Ctx {
  private client: LanguageClient | undefined;
  private readonly output: vscode.OutputChannel;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Multiverse');
    extension.subscriptions.push(
      this.output,
      vscode.commands.registerCommand('multiverse.restartServer', () => this.restart()),
      vscode.commands.registerCommand('multiverse.showOutput', () => this.output.show(true)),
    );
  }

  async start(): Promise<void> {
    const module = this.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', pattern: '**/package.json' },
        { scheme: 'file', pattern: '**/multiverse.json' },
        { scheme: 'file', language: 'javascript' },
        { scheme: 'file', language: 'javascriptreact' },
        { scheme: 'file', language: 'typescript' },
        { scheme: 'file', language: 'typescriptreact' },
      ],
      outputChannel: this.output,
    };
    this.client = new LanguageClient('multiverse', 'Multiverse', serverOptions, clientOptions);
    await this.client.start();
  }

  async restart(): Promise<void> {
    await this.client?.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.client?.stop();
    this.client = undefined;
  }
}
