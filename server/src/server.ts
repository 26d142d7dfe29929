import * as path from 'node:path';
import {
  CodeActionKind,
  ResponseError,
  ErrorCodes,
  LSPErrorCodes,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type DefinitionParams,
  type DidChangeConfigurationParams,
  type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type DidSaveTextDocumentParams,
  type ExecuteCommandParams,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { DEPENDENCY_RECORD_GLOBS, isDependencyRecord } from 'multiverse/tooling';
import { codeActions } from './code-actions';
import { diagnosticsFor } from './diagnostics';
import { DocumentStore } from './documents';
import type { ProgressHandle, ServerHost } from './host';
import { findImports, importAt, isSourceFile } from './imports';
import { runInstall, type InstallProgress } from './install-command';
import { completeIsolation, isolationAction } from './isolation';
import { JsonLocator } from './json-locations';
import { manifestHover } from './manifest-hover';
import { isInside, Project } from './project';
import {
  Commands,
  ConflictsRequest,
  IsolationActionRequest,
  NamespacesRequest,
  ResolveRequest,
  TreeRequest,
  type ConflictsParams,
  type ConflictsResult,
  type InstallArguments,
  type NodeSettings,
  type IsolationActionParams,
  type IsolationArguments,
  type NamespacesParams,
  type NamespacesResult,
  type ResolveParams,
  type ResolveResult,
  type TreeParams,
  type TreeResult,
} from './protocol';
import { clearNodeCache, NODE_VERSION_FILES } from './project-node';
import { describeImport, hoverMarkdown } from './resolve-info';
import { version } from './version';
import { conflictsView, namespacesView, treeView } from './views';
import { describeSkew } from './workspace-runtime';

/** Files whose changes alter a dependency graph. node_modules is watched through npm's hidden lockfile, which every install rewrites, instead of every file under it. */
export const WATCHED_GLOBS = [...DEPENDENCY_RECORD_GLOBS, '**/multiverse.json', '**/.multiverse/map.json', ...NODE_VERSION_FILES.map((name) => `**/${name}`)];

/** Quiet period after a file event before re-analysing: a save or an install fires bursts. */
const ANALYSIS_DELAY_MS = 50;
/** Quiet period after typing before a document's diagnostics are recomputed. */
const TYPING_DELAY_MS = 100;

/**
 * The Multiverse language server. Handlers are methods; only `listen` touches the connection, so
 * tests call the handlers in-process with a recording {@link ServerHost}.
 */
export class MultiverseServer {
  private readonly documents = new DocumentStore();
  private readonly locator = new JsonLocator();
  private readonly projects = new Map<string, Project>();
  /** URIs each project last published diagnostics for, so stale ones are cleared. */
  private readonly published = new Map<Project, Set<string>>();
  private readonly typingTimers = new Map<string, NodeJS.Timeout>();
  /** Diagnostics being published after an analysis (they read manifests from disk). */
  private readonly publishing = new Set<Promise<void>>();
  /** The manifests each project's conflicts point into, as last read: related locations are ranges in them. */
  private readonly manifestTexts = new Map<Project, Map<string, TextDocument>>();
  private settings: Settings = { singletons: [], updateMainTree: true, node: {} };
  /** Imports of each document version, parsed once for its hovers and diagnostics. */
  private readonly importCache = new WeakMap<TextDocument, ReturnType<typeof findImports>>();
  /** Folder and installed runtime version pairs already reported, so each is said once. */
  private readonly reportedSkews = new Set<string>();

  /** What the client supports, from `initialize`. */
  private client = { dynamicWatchers: false, workDoneProgress: false, workspaceFolders: false, disabledCodeActions: false };

  constructor(private readonly host: ServerHost) {}

  listen(connection: Connection): void {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      // Folder events can only be subscribed to once `initialize` has returned, per the protocol.
      if (this.client.workspaceFolders) connection.workspace.onDidChangeWorkspaceFolders((e) => this.didChangeWorkspaceFolders(e));
      void this.initialized();
    });
    connection.onShutdown(() => this.shutdown());
    connection.onDidOpenTextDocument((p) => this.didOpen(p));
    connection.onDidChangeTextDocument((p) => this.didChange(p));
    connection.onDidCloseTextDocument((p) => this.didClose(p));
    connection.onDidSaveTextDocument((p) => this.didSave(p));
    connection.onDidChangeWatchedFiles((p) => this.didChangeWatchedFiles(p));
    connection.onDidChangeConfiguration((p) => this.didChangeConfiguration(p));
    connection.onHover((p) => this.hover(p));
    connection.onDefinition((p) => this.definition(p));
    connection.onCodeAction((p) => this.codeAction(p));
    connection.onExecuteCommand((p) => this.executeCommand(p));
    connection.onRequest(NamespacesRequest, (p) => this.namespaces(p));
    connection.onRequest(TreeRequest, (p) => this.tree(p));
    connection.onRequest(ConflictsRequest, (p) => this.conflicts(p));
    connection.onRequest(ResolveRequest, (p) => this.resolve(p));
    connection.onRequest(IsolationActionRequest, (p) => this.isolationAction(p));
    connection.listen();
  }

  initialize(params: InitializeParams): InitializeResult {
    this.client = {
      dynamicWatchers: params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      workDoneProgress: params.capabilities.window?.workDoneProgress === true,
      workspaceFolders: params.capabilities.workspace?.workspaceFolders === true,
      disabledCodeActions: params.capabilities.textDocument?.codeAction?.disabledSupport === true,
    };
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(URI.parse(params.rootUri).fsPath) }] : []);
    for (const folder of folders) this.addFolder(folder.uri);
    this.settings = settingsFrom(params.initializationOptions);
    this.host.log(`Multiverse server ${version} starting with ${folders.length} workspace folder(s)`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorExtract, CodeActionKind.RefactorRewrite, CodeActionKind.Source] },
        executeCommandProvider: { commands: [Commands.installNamespaces, Commands.completeIsolation] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'multiverse', version },
    };
  }

  async initialized(): Promise<void> {
    for (const project of this.projects.values()) project.schedule(0);
    if (!this.client.dynamicWatchers) {
      this.host.log('The client cannot register file watchers; the analysis refreshes when manifests are saved in the editor.');
      return;
    }
    try {
      await this.host.watchFiles(WATCHED_GLOBS);
    } catch (error) {
      this.host.log(`Could not register file watchers (${errorMessage(error)}); the analysis refreshes on save only.`);
    }
  }

  shutdown(): void {
    for (const project of this.projects.values()) project.dispose();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
  }

  /** Resolves when every folder's analysis reflects the latest change (for tests and benchmarks). */
  async settled(): Promise<void> {
    await Promise.all([...this.projects.values()].map((p) => p.settled()));
    await Promise.all(this.publishing);
  }

  didChangeWorkspaceFolders(event: WorkspaceFoldersChangeEvent): void {
    for (const removed of event.removed) {
      const project = this.projects.get(removed.uri);
      if (!project) continue;
      project.dispose();
      this.projects.delete(removed.uri);
      for (const uri of this.published.get(project) ?? []) this.host.publishDiagnostics(uri, []);
      this.published.delete(project);
      this.manifestTexts.delete(project);
    }
    for (const added of event.added) this.addFolder(added.uri).schedule(0);
  }

  didChangeConfiguration(params: DidChangeConfigurationParams): void {
    this.settings = settingsFrom((params.settings as { multiverse?: unknown } | null)?.multiverse);
    // A changed setting may point at a Node that was just installed: ask every executable again.
    clearNodeCache();
    for (const project of this.projects.values()) project.schedule(ANALYSIS_DELAY_MS);
  }

  didOpen(params: DidOpenTextDocumentParams): void {
    const document = this.documents.didOpen(params);
    this.publishDocument(document);
  }

  didChange(params: DidChangeTextDocumentParams): void {
    const document = this.documents.didChange(params);
    if (!document) return;
    clearTimeout(this.typingTimers.get(document.uri));
    this.typingTimers.set(
      document.uri,
      setTimeout(() => {
        this.typingTimers.delete(document.uri);
        const latest = this.documents.get(document.uri);
        if (latest) this.publishDocument(latest);
      }, TYPING_DELAY_MS),
    );
  }

  didClose(params: DidCloseTextDocumentParams): void {
    const { uri } = params.textDocument;
    this.documents.didClose(uri);
    clearTimeout(this.typingTimers.get(uri));
    this.typingTimers.delete(uri);
    // Manifest diagnostics stay (they describe the project); a closed source file's go away.
    if (isSourceFile(URI.parse(uri).fsPath)) this.host.publishDiagnostics(uri, []);
  }

  didSave(params: DidSaveTextDocumentParams): void {
    this.fileChanged(params.textDocument.uri);
  }

  didChangeWatchedFiles(params: DidChangeWatchedFilesParams): void {
    for (const change of params.changes) this.fileChanged(change.uri);
  }

  async hover(params: HoverParams): Promise<Hover | null> {
    const manifest = this.documents.get(params.textDocument.uri);
    const manifestFile = URI.parse(params.textDocument.uri).fsPath;
    if (manifest && !isSourceFile(manifestFile)) {
      const project = this.projectFor(params.textDocument.uri);
      if (project && !project.index) await project.settled();
      return project?.index ? manifestHover(manifest, manifestFile, manifest.offsetAt(params.position), project.index, this.locator) : null;
    }
    const found = await this.importAtPosition(params.textDocument.uri, params.position);
    if (!found) return null;
    const { project, document, site, file } = found;
    const range = { start: document.positionAt(site.start), end: document.positionAt(site.end) };
    const index = project.index;
    if (!index) return null;
    try {
      return { contents: hoverMarkdown(describeImport(index, file, site.specifier, site.conditions), project.dir, index.runtimeSkew), range };
    } catch (error) {
      return { contents: { kind: 'markdown', value: `**Cannot resolve** \`${site.specifier}\`: ${errorMessage(error)}` }, range };
    }
  }

  async definition(params: DefinitionParams): Promise<Location | null> {
    const found = await this.importAtPosition(params.textDocument.uri, params.position);
    const index = found?.project.index;
    if (!found || !index) return null;
    try {
      const result = describeImport(index, found.file, found.site.specifier, found.site.conditions);
      return result.builtin ? null : { uri: result.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    } catch {
      return null;
    }
  }

  async codeAction(params: CodeActionParams): Promise<CodeAction[]> {
    const document = this.documents.get(params.textDocument.uri);
    const project = this.projectFor(params.textDocument.uri);
    if (!document || !project) return [];
    if (!project.index) await project.settled();
    return codeActions(params, document, project, this.documents, this.locator, { disabledSupport: this.client.disabledCodeActions });
  }

  /** `multiverse/isolationAction`: the light bulb's "Isolate dependency" on a dependency named by the caller. */
  async isolationAction(params: IsolationActionParams): Promise<CodeAction> {
    const project = typeof params?.folder === 'string' ? this.projects.get(params.folder) : undefined;
    if (!project || typeof params.package !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${IsolationActionRequest.method} expects { folder, package } naming an open workspace folder, got ${JSON.stringify(params)}`);
    const request = { action: 'isolate' as const, package: params.package, namespace: typeof params.namespace === 'string' ? params.namespace : undefined };
    const action = await isolationAction(project.uri, project.dir, request, (uri) => this.documents.get(uri), { disabledSupport: true });
    if (!action) throw new ResponseError(ErrorCodes.InternalError, `no isolation of "${params.package}" in ${project.dir}`);
    return action;
  }

  async executeCommand(params: ExecuteCommandParams): Promise<string> {
    if (params.command === Commands.installNamespaces) {
      const args = params.arguments?.[0] as InstallArguments | undefined;
      const project = args && typeof args.folder === 'string' ? this.projects.get(args.folder) : undefined;
      if (!args || !project) throw new ResponseError(ErrorCodes.InvalidParams, `${Commands.installNamespaces} expects [{ folder }] naming an open workspace folder, got ${JSON.stringify(params.arguments)}`);
      return this.withProgress(project, 'Installing namespaces', `Installing namespaces in ${project.dir} failed`, (progress) => runInstall(project.dir, args, progress));
    }
    if (params.command === Commands.completeIsolation) {
      const args = params.arguments?.[0] as IsolationArguments | undefined;
      const project = args && typeof args.folder === 'string' ? this.projects.get(args.folder) : undefined;
      if (!args || !project || !isIsolationArguments(args)) throw new ResponseError(ErrorCodes.InvalidParams, `${Commands.completeIsolation} expects the arguments of an "Isolate dependency" or "Move back" code action, got ${JSON.stringify(params.arguments)}`);
      const verb = args.action === 'isolate' ? 'Isolating' : 'Moving back';
      return this.withProgress(project, `${verb} ${args.package}`, `${verb} ${args.package} in ${project.dir} failed`, async (progress) => {
        const { summary, result } = await completeIsolation(project.dir, args, (uri) => this.documents.get(uri), progress, this.settings.updateMainTree);
        // The isolation stands; the editor says why npm's part did not happen and what to run.
        if (result.mainTreeError) this.host.showError(result.mainTreeError.message);
        return summary;
      });
    }
    throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  }

  /** Runs `work` with the editor's progress (or log lines), reporting failures and refreshing the analysis after. */
  private async withProgress(project: Project, title: string, failed: string, work: (progress: InstallProgress) => Promise<string>): Promise<string> {
    const progress = this.client.workDoneProgress ? await this.host.progress(title) : this.logProgress(title);
    try {
      const summary = await work(progress);
      this.host.log(summary);
      return summary;
    } catch (error) {
      // The user pressed Cancel on the progress: that is an answer, not an error to pop up.
      if (progress.signal.aborted) {
        this.host.log(errorMessage(error));
        throw new ResponseError(LSPErrorCodes.RequestCancelled, errorMessage(error));
      }
      const message = `${failed}: ${errorMessage(error)}`;
      this.host.showError(message);
      throw new ResponseError(ErrorCodes.InternalError, message);
    } finally {
      progress.done();
      project.schedule(0);
    }
  }

  async namespaces(params: NamespacesParams): Promise<NamespacesResult> {
    const folders = (await this.selectProjects(params.folder)).flatMap((p) => (p.index ? [namespacesView(p.uri, p.index)] : []));
    return { folders };
  }

  async tree(params: TreeParams): Promise<TreeResult> {
    const [project] = await this.selectProjects(params.folder);
    if (!project?.index) throw new ResponseError(ErrorCodes.InvalidParams, `no analysed workspace folder ${params.folder}`);
    return treeView(project.index, params);
  }

  async conflicts(params: ConflictsParams): Promise<ConflictsResult> {
    const folders = [];
    for (const project of await this.selectProjects(params.folder)) {
      if (project.index) folders.push({ folder: project.uri, conflicts: await conflictsView(project.index, this.documents, this.locator), node: project.index.node });
    }
    return { folders };
  }

  async resolve(params: ResolveParams): Promise<ResolveResult | null> {
    if ('specifier' in params) {
      const project = this.projectFor(params.uri);
      if (!project) return null;
      if (!project.index) await project.settled();
      const file = URI.parse(params.uri).fsPath;
      const conditions = /\.c[jt]s$/.test(file) ? 'require' : 'import';
      if (!project.index) return null;
      try {
        return describeImport(project.index, file, params.specifier, conditions);
      } catch (error) {
        throw new ResponseError(ErrorCodes.InvalidParams, errorMessage(error));
      }
    }
    const found = await this.importAtPosition(params.textDocument.uri, params.position);
    if (!found?.project.index) return null;
    try {
      return describeImport(found.project.index, found.file, found.site.specifier, found.site.conditions);
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, errorMessage(error));
    }
  }

  /** Progress for clients without work-done progress: lines in the server's log. */
  private logProgress(title: string): ProgressHandle {
    return { report: (message) => this.host.log(`${title}: ${message}`), done: () => this.host.log(`${title}: done`), signal: new AbortController().signal };
  }

  private addFolder(uri: string): Project {
    const existing = this.projects.get(uri);
    if (existing) return existing;
    const onChanged = (changed: Project): void => {
      const done = this.publishProject(changed)
        .catch((error: unknown) => this.host.log(`Publishing diagnostics for ${changed.dir} failed: ${errorMessage(error)}`))
        .finally(() => this.publishing.delete(done));
      this.publishing.add(done);
    };
    const project = new Project(URI.parse(uri).fsPath, uri, { onChanged, log: (m) => this.host.log(m) }, () => ({ singletons: this.settings.singletons, node: this.settings.node }));
    this.projects.set(uri, project);
    return project;
  }

  private projectFor(uri: string): Project | undefined {
    const file = URI.parse(uri).fsPath;
    let best: Project | undefined;
    for (const project of this.projects.values()) {
      if (isInside(file, project.dir) && (!best || project.dir.length > best.dir.length)) best = project;
    }
    return best;
  }

  private async selectProjects(folder: string | undefined): Promise<Project[]> {
    const selected = folder === undefined ? [...this.projects.values()] : [this.projects.get(folder)].filter((p): p is Project => p !== undefined);
    // Views ask after a change notification: answer from the analysis of that change, not the one before.
    await Promise.all(selected.map((p) => p.settled()));
    return selected;
  }

  private fileChanged(uri: string): void {
    const file = URI.parse(uri).fsPath;
    const name = path.basename(file);
    const multiverse = name === 'multiverse.json' || (name === 'map.json' && path.basename(path.dirname(file)) === '.multiverse');
    // The version files change which Node the folder's answers follow.
    if (!multiverse && !NODE_VERSION_FILES.includes(name) && !isDependencyRecord(file)) return;
    for (const project of this.projects.values()) if (isInside(file, project.dir)) project.schedule(ANALYSIS_DELAY_MS);
  }

  private async importAtPosition(uri: string, position: { line: number; character: number }): Promise<{ project: Project; document: TextDocument; file: string; site: ReturnType<typeof findImports>[number] } | undefined> {
    const document = this.documents.get(uri);
    const file = URI.parse(uri).fsPath;
    if (!document || !isSourceFile(file)) return undefined;
    const project = this.projectFor(uri);
    if (!project) return undefined;
    if (!project.index) await project.settled();
    const site = importAt(this.importsOf(document, file), document.offsetAt(position));
    return site ? { project, document, file, site } : undefined;
  }

  private importsOf(document: TextDocument, file: string): ReturnType<typeof findImports> {
    let sites = this.importCache.get(document);
    if (!sites) {
      sites = findImports(file, document.getText());
      this.importCache.set(document, sites);
    }
    return sites;
  }

  /** Publishes one document's diagnostics; runs from timers, so it reports its own failures. */
  private publishDocument(document: TextDocument): void {
    const project = this.projectFor(document.uri);
    if (!project?.index && !project?.problem) return;
    try {
      this.host.publishDiagnostics(document.uri, diagnosticsFor(document, project, this.locator, this.manifestLookup(project)));
    } catch (error) {
      this.host.log(`Diagnostics for ${document.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  /** Publishes diagnostics for every manifest with findings and every open document of the project, and clears the rest. */
  private async publishProject(project: Project): Promise<void> {
    if (!this.projects.has(project.uri)) return;
    const uris = new Set<string>();
    const manifests = new Map<string, TextDocument>();
    for (const conflict of project.index?.analysis.conflicts ?? []) {
      // The diagnostic goes on the entry that causes the conflict; the other entries are related locations in it.
      const cause = conflict.anchors[0];
      uris.add(URI.file(cause?.file ?? path.join(project.dir, 'package.json')).toString());
      for (const anchor of conflict.anchors) {
        const uri = URI.file(anchor.file).toString();
        if (manifests.has(uri)) continue;
        const document = await this.documents.read(uri);
        if (document) manifests.set(uri, document);
      }
    }
    this.manifestTexts.set(project, manifests);
    if (project.problem) uris.add(URI.file(project.problem.file).toString());
    for (const document of this.documents.all()) if (this.projectFor(document.uri) === project) uris.add(document.uri);
    for (const uri of this.published.get(project) ?? []) if (!uris.has(uri)) this.host.publishDiagnostics(uri, []);
    this.published.set(project, uris);
    const lookup = this.manifestLookup(project);
    for (const uri of uris) {
      const document = await this.documents.read(uri);
      this.host.publishDiagnostics(uri, document ? diagnosticsFor(document, project, this.locator, lookup) : []);
    }
    if (project.index) this.host.analysisChanged(project.uri, project.index.generation, project.index.analysis.conflicts.length);
    this.reportSkew(project);
  }

  /** Says once per folder and version when the folder's installed runtime is not the server's. */
  private reportSkew(project: Project): void {
    const skew = project.index?.runtimeSkew;
    if (!skew || this.reportedSkews.has(`${project.uri}\0${skew.workspace}`)) return;
    this.reportedSkews.add(`${project.uri}\0${skew.workspace}`);
    const message = describeSkew(project.dir, skew);
    this.host.log(message);
    this.host.runtimeVersion({ folder: project.uri, workspace: skew.workspace, bundled: skew.bundled, message });
  }

  /** A manifest's text for related locations: the open document, else the file as read at the last analysis. */
  private manifestLookup(project: Project): (uri: string) => TextDocument | undefined {
    const read = this.manifestTexts.get(project);
    return (uri) => this.documents.get(uri) ?? read?.get(uri);
  }
}

/** The `multiverse` settings the server reads (from initializationOptions, then didChangeConfiguration). */
interface Settings {
  /** Packages that must be installed once, besides the built-in list. */
  singletons: string[];
  /** After an isolation or a move back, bring the app's own tree in line as `npm install` would. */
  updateMainTree: boolean;
  /** `multiverse.node`: which Node runs the projects, when the user says so. */
  node: NodeSettings;
}

function settingsFrom(settings: unknown): Settings {
  const { singletons, isolate, node } = (settings ?? {}) as { singletons?: unknown; isolate?: { updateMainTree?: unknown }; node?: { path?: unknown; version?: unknown } };
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    singletons: Array.isArray(singletons) ? singletons.filter((s): s is string => typeof s === 'string') : [],
    updateMainTree: isolate?.updateMainTree !== false,
    node: { path: text(node?.path), version: text(node?.version) },
  };
}

function isIsolationArguments(args: IsolationArguments): boolean {
  const file = (edit: unknown): boolean => typeof edit === 'object' && edit !== null && typeof (edit as { after?: unknown }).after === 'string' && (typeof (edit as { before?: unknown }).before === 'string' || (edit as { before?: unknown }).before === null);
  return (args.action === 'isolate' || args.action === 'move-back') && typeof args.package === 'string' && typeof args.namespace === 'string' && file(args.packageJson) && file(args.config);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
