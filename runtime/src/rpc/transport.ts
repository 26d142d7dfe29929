import type { TransferListItem } from 'node:worker_threads';
import type { Message } from './protocol';

/**
 * A bidirectional message channel. `send` must throw synchronously when a value cannot be
 * serialized, which both `postMessage` and advanced-serialization `send` do, so the RPC core can
 * name the offending argument.
 */
export interface Transport {
  readonly kind: 'worker' | 'process';
  send(message: Message, transfer: TransferListItem[] | undefined): void;
  /** Registers the single receiver of incoming messages. */
  listen(receive: (message: Message) => void): void;
  /** Throws if `value` cannot be serialized by this transport; used only to explain a failed send. */
  probe(value: unknown): void;
}
