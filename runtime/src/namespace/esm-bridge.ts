import { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Resolution } from '../resolver';
import { BRIDGE_KEY, type Bridge, type FromHooks, type NamespaceInfo, type ToHooks } from './esm-protocol';

/** What a namespace offers the ES modules generated for it. */
export interface EsmMember {
  readonly info: NamespaceInfo;
  loadCommonJsForEsm(file: string): unknown;
  moduleFacade(): object;
  recordLoaded(resolution: Resolution): void;
}

/**
 * The main-thread end of the loader hooks: registers them once, on the first ESM use of any
 * namespace (registration costs ~40 ms and moves every later ESM resolution of the process
 * off-thread, so apps that never import inside a namespace never pay it), tells the hooks thread
 * about namespaces, and answers the generated modules through a global they can reach.
 */
class EsmBridge {
  private readonly port: MessagePort;
  private readonly members = new Map<string, EsmMember>();
  private readonly pending = new Map<number, () => void>();
  private seq = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    register(pathToFileURL(path.join(__dirname, 'esm-hooks.js')).href, { data: { port: port2 }, transferList: [port2] });
    port1.on('message', (message: FromHooks) => this.receive(message));
    port1.unref();
    const bridge: Bridge = {
      commonjs: (id, file) => this.member(id).loadCommonJsForEsm(file),
      moduleFacade: (id) => this.member(id).moduleFacade(),
    };
    Object.defineProperty(globalThis, Symbol.for(BRIDGE_KEY), { value: bridge, configurable: true });
  }

  async join(member: EsmMember): Promise<void> {
    this.members.set(member.info.id, member);
    await this.request((seq) => ({ type: 'add', seq, namespace: member.info }));
  }

  leave(id: string): void {
    this.members.delete(id);
    this.port.postMessage({ type: 'remove', id } satisfies ToHooks);
  }

  /** Resolves once every report the hooks thread sent before now has been received. */
  sync(): Promise<void> {
    return this.request((seq) => ({ type: 'sync', seq }));
  }

  private request(message: (seq: number) => ToHooks): Promise<void> {
    const seq = ++this.seq;
    // A pending answer must keep the process alive (a top-level `await ns.import()` would
    // otherwise end the process); an idle port must not.
    this.port.ref();
    return new Promise<void>((resolve) => {
      this.pending.set(seq, resolve);
      this.port.postMessage(message(seq));
    });
  }

  private receive(message: FromHooks): void {
    for (const { id, resolution } of message.loaded) this.members.get(id)?.recordLoaded(resolution);
    this.pending.get(message.seq)?.();
    this.pending.delete(message.seq);
    if (this.pending.size === 0) this.port.unref();
  }

  private member(id: string): EsmMember {
    const member = this.members.get(id);
    if (member === undefined) throw new Error(`Multiverse namespace "${id}" was disposed; its ES modules can no longer load CommonJS or the module facade.`);
    return member;
  }
}

let bridge: EsmBridge | null = null;

export function esmBridge(): EsmBridge {
  bridge ??= new EsmBridge();
  return bridge;
}

export type { EsmBridge };
