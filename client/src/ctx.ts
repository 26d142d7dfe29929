import * as vscode from 'vscode';
import {
  CodeAction,
  CodeActionRequest,
  CodeActionTriggerKind,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { AnalysisChangedNotification, Commands, RuntimeVersionNotification, type InstallArguments } from './model/protocol';
import { RuntimeVersionStatus } from './runtime-status';
import { showServerProgress } from './server-progress';
import { explainRestricted } from './trust';

/** Context key the manifest's `when` clauses read (the welcome views when the server is down). */
const SERVER_RUNNING = 'multiverse.serverRunning';

/**
 * Owns everything the extension starts: the language client, its output channel, the events the
 * views listen to and every registered disposable. Restarting the server replaces the client but
 * keeps commands, views and their subscriptions.
 */
export class Ctx implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  private client: LanguageClient | undefined;
  private readonly analysisChanged = new vscode.EventEmitter<void>();
  private readonly shutdownHooks: (() => Promise<void>)[] = [];
  /** Documents the current server has been sent (didOpen), and an event for each new one. */
  private readonly syncedDocuments = new Set<string>();
  private readonly documentSynced = new vscode.EventEmitter<string>();
  /** Fires after each (re-)analysis of a folder and when the server (re)starts or stops: views reload then. */
  readonly onDidChangeAnalysis = this.analysisChanged.event;
  /** Warns when a folder runs another `multiverse` than the server's. */
  private readonly runtimeVersion = new RuntimeVersionStatus();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Multiverse');
    extension.subscriptions.push(this, this.output, this.analysisChanged, this.documentSynced, this.runtimeVersion);
  }

  /** Registers disposables for the extension's lifetime. */
  register(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
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
      // The server reads `singletons` from here at start and from didChangeConfiguration afterwards.
      initializationOptions: { singletons: vscode.workspace.getConfiguration('multiverse').get<string[]>('singletons', []) },
      synchronize: { configurationSection: 'multiverse' },
      middleware: {
        didOpen: async (document, next) => {
          await next(document);
          this.syncedDocuments.add(document.uri.toString());
          this.documentSynced.fire(document.uri.toString());
        },
        didClose: async (document, next) => {
          this.syncedDocuments.delete(document.uri.toString());
          await next(document);
        },
        // Code actions (the light bulb's "Isolate dependency", "Install namespaces") run the
        // server's install command through here: it installs packages, so it needs trust.
        executeCommand: async (command, args, next) => {
          if (command !== Commands.installNamespaces) return next(command, args);
          return this.installNamespaces(args[0] as InstallArguments);
        },
      },
    };
    this.syncedDocuments.clear();
    const client = new LanguageClient('multiverse', 'Multiverse', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState(({ newState }) => {
      void vscode.commands.executeCommand('setContext', SERVER_RUNNING, newState === State.Running);
      this.analysisChanged.fire();
    });
    client.onNotification(AnalysisChangedNotification, () => this.analysisChanged.fire());
    client.onNotification(RuntimeVersionNotification, (params) => this.runtimeVersion.report(params));
    await client.start();
    // After start: replaces the handler the client installs while starting.
    showServerProgress(client);
  }

  async restart(): Promise<void> {
    await this.stopClient();
    await this.start();
  }

  /**
   * Resolves once the server has been sent `document`. A document opened just now reaches the
   * server through an event the language client handles on its own schedule, so a request about
   * it could otherwise overtake it. Gives up after a few seconds (a document outside the
   * selector never syncs); the request then simply finds nothing.
   */
  async synced(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri.toString();
    if (this.syncedDocuments.has(uri)) return;
    let subscription: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      subscription = this.documentSynced.event((synced) => {
        if (synced === uri) resolve();
      });
      timer = setTimeout(resolve, 5000);
    });
    subscription?.dispose();
    clearTimeout(timer);
  }

  /**
   * The server's code actions at a spot, as VS Code objects. Asked of the server directly rather
   * than through `vscode.executeCodeActionProvider`, which answers nothing for a document opened a
   * moment ago (the workbench is still setting it up), so a command can open a file and act at once.
   */
  async codeActions(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
    const client = this.client;
    if (!client?.isRunning()) throw new Error('The Multiverse server is not running, so it cannot offer code actions; run "Multiverse: Restart Server".');
    await this.synced(document);
    const answer = await client.sendRequest(CodeActionRequest.type, {
      textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
      range: client.code2ProtocolConverter.asRange(range),
      context: { diagnostics: [], triggerKind: CodeActionTriggerKind.Invoked },
    });
    // Bare commands carry no edit: only code actions can be an isolation.
    const actions = (answer ?? []).filter((a): a is CodeAction => CodeAction.is(a));
    return Promise.all(actions.map((a) => client.protocol2CodeConverter.asCodeAction(a)));
  }

  /** Sends one of the custom requests; fails with a message naming it when the server is not running. */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = this.client;
    if (!client?.isRunning()) throw new Error(`The Multiverse server is not running, so ${type.method} cannot be answered; run "Multiverse: Restart Server".`);
    return client.sendRequest(type, params, token);
  }

  /**
   * Installs namespaces through the server, which reports cancellable work-done progress while npm
   * runs. Shows the server's one-line summary; resolves to it, or to undefined when nothing ran.
   */
  async installNamespaces(args: InstallArguments): Promise<string | undefined> {
    if (!this.trusted) {
      explainRestricted('Installing namespaces');
      return undefined;
    }
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Multiverse: the server is not running, so nothing can be installed. Run "Multiverse: Restart Server".');
      return undefined;
    }
    try {
      const summary = (await client.sendRequest(ExecuteCommandRequest.type, { command: Commands.installNamespaces, arguments: [args] })) as unknown;
      const text = typeof summary === 'string' ? summary : 'Namespaces installed.';
      void vscode.window.showInformationMessage(`Multiverse: ${text}`);
      return text;
    } catch (error) {
      // The server has already shown why (as it does for every client); keep the details here.
      this.output.appendLine(`Installing namespaces in ${args.folder} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) await client.stop();
  }

  dispose(): void {
    void this.stopClient();
  }

  /** Work to finish before the extension host exits, such as stopping isolated extensions. */
  onShutdown(hook: () => Promise<void>): void {
    this.shutdownHooks.push(hook);
  }

  /** Awaited by `deactivate`, so the server and every process Multiverse started are gone before the host exits. */
  async shutdown(): Promise<void> {
    await Promise.all([this.stopClient(), ...this.shutdownHooks.map((hook) => hook())]);
  }
}
