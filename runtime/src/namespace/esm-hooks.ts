import type { MessagePort } from 'node:worker_threads';
import type { FromHooks, ToHooks } from './esm-protocol';
import { NamespaceRouting } from './esm-routing';

/*
 * The `module.register()` entry point of the namespace hooks (Node 20, where hooks run on a thread
 * of their own): the main thread tells this thread about namespaces through a port, and every
 * answer carries the loads seen since the last one.
 */

let loaded: FromHooks['loaded'] = [];
let port: MessagePort | null = null;
const routing = new NamespaceRouting((id, resolution) => loaded.push({ id, resolution }));

export function initialize(data: { port: MessagePort }): void {
  port = data.port;
  port.on('message', (message: ToHooks) => {
    if (message.type === 'add') {
      routing.add(message.namespace);
      acknowledge(message.seq);
    } else if (message.type === 'remove') {
      routing.remove(message.id);
    } else {
      acknowledge(message.seq);
    }
  });
  port.unref();
}

function acknowledge(seq: number): void {
  port?.postMessage({ type: 'ack', seq, loaded } satisfies FromHooks);
  loaded = [];
}

export const resolve: NamespaceRouting['resolve'] = (specifier, context, next) => routing.resolve(specifier, context, next);
export const load: NamespaceRouting['load'] = (url, context, next) => routing.load(url, context, next);
