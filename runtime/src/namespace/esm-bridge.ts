import { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { registerInThreadHooks } from '../loader-hooks';
import { nodeFeatures } from '../node-features';
import type { Resolution } from '../resolver';
import { BRIDGE_KEY, type Bridge, type FromHooks, type NamespaceInfo, type ToHooks } from './esm-protocol';
import { NamespaceRouting } from './esm-routing';

/** What a namespace offers the ES modules generated for it. */
export interface EsmMember {
  readonly info: NamespaceInfo;
  loadCommonJsForEsm(file: string): unknown;
  moduleFacade(): object;
  recordLoaded(resolution: Resolution): void;
}

/** The main-thread end of the namespace hooks, whichever way Node runs them. */
export interface EsmBridge {
  join(member: EsmMember): Promise<void>;
  leave(id: string): void;
  /** Resolves once every load the hooks saw before now has been recorded. */
  sync(): Promise<void>;
}

/** Answers the generated modules (CommonJS stand-ins, the `module` facade) through a global they can reach. */
function publishBridge(member: (id: string) => EsmMember): void {
  const bridge: Bridge = {
    commonjs: (id, file) => member(id).loadCommonJsForEsm(file),
    moduleFacade: (id) => member(id).moduleFacade(),
  };
  Object.defineProperty(globalThis, Symbol.for(BRIDGE_KEY), { value: bridge, configurable: true });
}

function disposed(id: string): Error {
  return new Error(`Multiverse namespace "${id}" was disposed; its ES modules can no longer load CommonJS or the module facade.`);
}

/**
 * Node 22.15+: the hooks run in this thread, synchronously (`module.registerHooks`), so namespaces
 * join and report loads by plain calls. Registered once, on the first ESM use of any namespace.
 */
class InThreadBridge implements EsmBridge {
  private readonly members = new Map<string, EsmMember>();
  private readonly routing = new NamespaceRouting((id, resolution) => this.members.get(id)?.recordLoaded(resolution));

  constructor() {
    registerInThreadHooks({ resolve: (specifier, context, next) => this.routing.resolve(specifier, context, next), load: (url, context, next) => this.routing.load(url, context, next) });
    publishBridge((id) => {
      const member = this.members.get(id);
      if (member === undefined) throw disposed(id);
      return member;
    });
  }

  join(member: EsmMember): Promise<void> {
    this.members.set(member.info.id, member);
    this.routing.add(member.info);
    return Promise.resolve();
  }

  leave(id: string): void {
    this.members.delete(id);
    this.routing.remove(id);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Node 20: the hooks run on a thread of their own (`module.register`). Registered once, on the
 * first ESM use of any namespace (registration costs ~40 ms and moves every later ESM resolution
 * of the process off-thread, so apps that never import inside a namespace never pay it); the
 * namespaces are announced over a port, and the hooks' answers carry what they loaded.
 */
class ThreadBridge implements EsmBridge {
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
    publishBridge((id) => this.member(id));
  }

  async join(member: EsmMember): Promise<void> {
    this.members.set(member.info.id, member);
    await this.request((seq) => ({ type: 'add', seq, namespace: member.info }));
  }

  leave(id: string): void {
    this.members.delete(id);
    this.port.postMessage({ type: 'remove', id } satisfies ToHooks);
  }

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
    if (member === undefined) throw disposed(id);
    return member;
  }
}

let bridge: EsmBridge | null = null;

export function esmBridge(): EsmBridge {
  bridge ??= nodeFeatures().syncHooks ? new InThreadBridge() : new ThreadBridge();
  return bridge;
}
