import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { connectionHost } from './host';
import { MultiverseServer } from './server';

// createConnection reads --stdio, --node-ipc or --socket from argv; with --stdio, stdout is the LSP
// channel, so everything the server logs goes through the connection's console.
const connection = createConnection(ProposedFeatures.all);
new MultiverseServer(connectionHost(connection)).listen(connection);

// An editor session lasts hours: a bug in one feature must cost that answer, not the server.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection (the server keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
