import type { TransferListItem } from 'node:worker_threads';
import type { Transport } from './transport';

/** The part of `Worker`, `parentPort` and `MessagePort` the transport needs. */
export interface PortLike {
  postMessage(value: unknown, transferList?: readonly TransferListItem[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

/** worker_threads transport: structured clone, with transfer lists and shared memory. */
export function workerTransport(port: PortLike): Transport {
  return {
    kind: 'worker',
    send(message, transfer) {
      if (transfer === undefined) port.postMessage(message);
      else port.postMessage(message, transfer);
    },
    listen(receive) {
      port.on('message', receive as (value: unknown) => void);
    },
    probe(value) {
      structuredClone(value);
    },
  };
}
