/**
 * What `require('multiverse')` / `import 'multiverse'` gives code running inside an extension: the
 * extension-side API only, so an extension starts without loading the installer or the analyser.
 * The classes are the same objects the main entry exports.
 */
export { ExtensionBase } from './extensions/extension-base';
export { ProxiedSingleton, type SingletonClass } from './extensions/proxied-singleton';
export type { RemoteObject } from './extensions/remote-object';
export { transfer } from './rpc/encode';
export { callOptions, CallOptions, type CallOptionsInit } from './rpc/call-options';
export { currentSignal } from './rpc/context';
export { MultiverseError, InputError } from './errors';
