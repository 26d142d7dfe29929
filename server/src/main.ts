import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MultiverseServer } from './server';

// createConnection reads --stdio, --node-ipc or --socket from argv; with --stdio, stdout is the LSP
// channel, so everything the server logs goes through the connection's console (stderr side).
const connection = createConnection(ProposedFeatures.all);
new MultiverseServer(connection).listen();
