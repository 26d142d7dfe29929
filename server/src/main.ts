import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MultiverseServer } from './server';
import { stderrHost } from './host';

// createConnection reads --stdio, --node-ipc or --socket from argv; with --stdio, stdout is the LSP
// channel, so everything the server logs goes through the connection's console (stderr until the
// connection is listening).
const connection = createConnection(ProposedFeatures.all);
new MultiverseServer(stderrHost()).listen(connection);
