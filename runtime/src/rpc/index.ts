export { RpcPeer, type PeerOptions, type PeerStats } from './peer';
export { workerTransport, type PortLike } from './worker-transport';
export { processTransport, type IpcLike } from './process-transport';
export type { Transport } from './transport';
export { transfer } from './encode';
export { CallOptions, callOptions, takeCallOptions, type CallOptionsInit } from './call-options';
export { currentSignal } from './context';
export { methodsOf, rpcBoundary } from './methods';
export { SyncCaller, serveSyncCalls } from './sync-call';
