import type { Connection, InitializeParams, InitializeResult } from 'vscode-languageserver';
import { version } from './version';

/**
 * Owns the server's lifecycle. Handlers are methods of this class; only `listen` touches the
 * connection, so the handlers can be driven in-process by tests.
 */
export class MultiverseServer {
  constructor(private readonly connection: Connection) {}

  listen(): void {
    this.connection.onInitialize((params) => this.initialize(params));
    this.connection.listen();
  }

  initialize(params: InitializeParams): InitializeResult {
    const folders = params.workspaceFolders?.length ?? 0;
    this.connection.console.info(`Multiverse server ${version} starting with ${folders} workspace folder(s)`);
    return { capabilities: {}, serverInfo: { name: 'multiverse', version } };
  }
}
