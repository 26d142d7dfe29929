/**
 * `multiverse`: what an app uses at run time. Namespaces, the project's routing, isolated
 * extensions, their errors and types. Editors, the CLI and other tools find the analysis, the
 * installer and the isolation planner under `multiverse/tooling`.
 */
export { MultiverseError, InputError } from './errors';
export { version } from './version';
export { ConfigError } from './config/config-error';
export type { ConfigProblem } from './config/types';
export { ResolveError } from './resolver/context';
export type { Resolution, ModuleFormat } from './resolver';
export { createNamespace, NamespaceModuleNotFoundError } from './namespace';
export type { Namespace, NamespaceOptions, NamespaceResolution, LoadedModule, AddonPolicy, EsmStrategy } from './namespace';
export { loadProject } from './project';
export type { Project, ProjectResolution, TreeKind } from './project';
export { ExtensionManager } from './extensions/manager';
export type { ExtensionManagerOptions, ExtensionInfo, ExtensionState, ExtensionLogEvent, ExtensionExitEvent, ExtensionRestartEvent, ExtensionProgressEvent } from './extensions/manager';
export type { LoadOptions, Isolation, Permissions, Limits, RestartPolicy } from './extensions/load-options';
export type { PermissionReport } from './extensions/permission-report';
export type { ExtensionHandle, RemoteMethods, SyncMethods } from './extensions/handle';
export { ExtensionError } from './extensions/extension-error';
export { ExtensionBase } from './extensions/extension-base';
export { ProxiedSingleton, type SingletonClass } from './extensions/proxied-singleton';
export type { RemoteObject } from './extensions/remote-object';
export { transfer } from './rpc/encode';
export { callOptions, CallOptions, type CallOptionsInit } from './rpc/call-options';
export { currentSignal } from './rpc/context';
