import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { AnalysisChangedNotification, Commands, IsolationActionRequest, RuntimeVersionNotification, type InstallArguments, type IsolationActionParams, type IsolationArguments } from './model/protocol';
import { RuntimeVersionStatus } from './runtime-status';
import { CodeActionCommands } from './action-commands';
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
  /** Fires after each (re-)analysis of a folder and when the server (re)starts or stops: views reload then. */
  readonly onDidChangeAnalysis = this.analysisChanged.event;
  /** Warns when a folder runs another `multiverse` than the server's. */
  private readonly runtimeVersion = new RuntimeVersionStatus();
  /** The server commands of code actions, in a form VS Code can still run after the action's edit. */
  private readonly actionCommands = new CodeActionCommands(
    new Map<string, (argument: unknown) => Promise<unknown>>([
      [Commands.installNamespaces, (args) => this.installNamespaces(args as InstallArguments)],
      [Commands.completeIsolation, (args) => this.completeIsolation(args as IsolationArguments)],
    ]),
  );

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Multiverse');
    extension.subscriptions.push(this, this.output, this.analysisChanged, this.runtimeVersion, this.actionCommands);
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
      // The server reads its settings from here at start and from didChangeConfiguration afterwards.
      initializationOptions: {
        singletons: vscode.workspace.getConfiguration('multiverse').get<string[]>('singletons', []),
        isolate: { updateMainTree: vscode.workspace.getConfiguration('multiverse').get<boolean>('isolate.updateMainTree', true) },
        node: vscode.workspace.getConfiguration('multiverse').get<object>('node', {}),
      },
      synchronize: { configurationSection: 'multiverse' },
      middleware: {
        // Code actions (the light bulb's "Isolate dependency", "Install namespaces") run the
        // server's install commands through here: they install packages, so they need trust.
        executeCommand: async (command, args, next) => {
          if (command === Commands.installNamespaces) return this.installNamespaces(args[0] as InstallArguments);
          if (command === Commands.completeIsolation) return this.completeIsolation(args[0] as IsolationArguments);
          return next(command, args);
        },
        provideCodeActions: async (document, range, context, token, next) => this.actionCommands.rewrite(await next(document, range, context, token)),
      },
    };
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
   * The server's "Isolate dependency" code action for a dependency named by a command (the one the
   * light bulb offers on its package.json entry), as a VS Code object.
   */
  async isolationAction(params: IsolationActionParams): Promise<vscode.CodeAction> {
    const client = this.client;
    if (!client?.isRunning()) throw new Error('The Multiverse server is not running, so it cannot isolate a dependency; run "Multiverse: Restart Server".');
    return client.protocol2CodeConverter.asCodeAction(await client.sendRequest(IsolationActionRequest, params));
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

  /**
   * Completes an isolation or a move back whose edit VS Code applied: saves the edited manifests
   * (the server would save them itself, but behind the editor's back, leaving dirty buffers that
   * clash with the disk), then lets the server install the namespace and update the main tree.
   */
  async completeIsolation(args: IsolationArguments): Promise<string | undefined> {
    if (!this.trusted) {
      explainRestricted(args.action === 'isolate' ? 'Isolating a dependency' : 'Moving a dependency back');
      return undefined;
    }
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Multiverse: the server is not running, so nothing can be installed. Run "Multiverse: Restart Server".');
      return undefined;
    }
    const folder = vscode.Uri.parse(args.folder);
    for (const [file, edit] of [['package.json', args.packageJson], ['multiverse.json', args.config]] as const) {
      const uri = vscode.Uri.joinPath(folder, file).toString();
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (document?.isDirty && document.getText() === edit.after) await document.save();
    }
    try {
      const summary = (await client.sendRequest(ExecuteCommandRequest.type, { command: Commands.completeIsolation, arguments: [args] })) as unknown;
      const text = typeof summary === 'string' ? summary : `${args.package} moved.`;
      void vscode.window.showInformationMessage(`Multiverse: ${text}`);
      return text;
    } catch (error) {
      // The server has already shown why (as it does for every client); keep the details here.
      this.output.appendLine(`${args.action === 'isolate' ? 'Isolating' : 'Moving back'} ${args.package} in ${args.folder} failed: ${error instanceof Error ? error.message : String(error)}`);
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
