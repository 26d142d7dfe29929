import { serialize } from 'node:v8';
import { MultiverseError } from '../errors';
import type { Transport } from './transport';

/** The part of `ChildProcess` and of a forked child's `process` the transport needs. */
export interface IpcLike {
  send?(message: unknown): boolean;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * child_process IPC transport. It relies on `serialization: 'advanced'` (V8 serialization), so
 * Buffers, Maps, BigInts and typed arrays survive; transfer lists do not apply across processes and
 * are ignored (the data is copied).
 */
export function processTransport(ipc: IpcLike): Transport {
  return {
    kind: 'process',
    send(message) {
      // Sending on a closed channel would emit an 'error' event instead of throwing; the peer is
      // closed by the exit handler, so the message is moot.
      if (ipc.connected !== true || ipc.send === undefined) throw new MultiverseError('ECHANNELCLOSED', 'The IPC channel to the other side is closed.');
      ipc.send(message);
    },
    listen(receive) {
      ipc.on('message', receive as (message: unknown) => void);
    },
    probe(value) {
      serialize(value);
    },
  };
}
