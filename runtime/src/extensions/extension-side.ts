import type { RpcPeer } from '../rpc/peer';

/** What the bootstrap tells the runtime about the extension it runs in; absent in the host. */
export interface ExtensionSide {
  name: string;
  peer: RpcPeer;
  apiNames: readonly string[];
}

let side: ExtensionSide | undefined;

export function enterExtensionSide(value: ExtensionSide): void {
  side = value;
}

/** The extension this thread or process runs, or undefined in the host. */
export function extensionSide(): ExtensionSide | undefined {
  return side;
}
