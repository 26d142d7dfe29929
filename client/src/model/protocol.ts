// The client's single door to the protocol shared with the server: every view and command imports
// the request and response types from here, so the path to the server's file is written once.
export * from '../../../server/src/protocol';
