/**
 * The part of the `multiverse` runtime's API the editor uses to run isolated extensions. The
 * runtime is loaded from the workspace at run time (as vscode-eslint loads the workspace's eslint),
 * so it can be any compatible version: this names what the client relies on, no more.
 */
export interface RuntimeModule {
  ExtensionManager: new (options: { root: string }) => ExtensionManagerApi;
  callOptions(init: { signal?: AbortSignal; timeoutMs?: number }): unknown;
}

export type RunState = 'starting' | 'running' | 'restarting' | 'crashed' | 'stopped';

export interface RunningExtension {
  name: string;
  isolation: 'worker' | 'process';
  state: RunState;
  pid: number | undefined;
  methods: readonly string[];
  restarts: number;
  lastError: { code: string; message: string } | undefined;
}

export interface ExtensionManagerApi {
  load(options: { name: string; path: string; isolation: 'worker' | 'process'; dependencies: Record<string, string>; inspect?: number }): Promise<unknown>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<unknown>;
  stopAll(): Promise<void>;
  list(): RunningExtension[];
  call(name: string, method: string, args: unknown[], options?: unknown): Promise<unknown>;
  on(event: 'log', listener: (event: { name: string; stream: 'stdout' | 'stderr'; line: string }) => void): unknown;
  on(event: 'exit', listener: (event: { name: string; error: Error | undefined }) => void): unknown;
  on(event: 'restart', listener: (event: { name: string; reason: string }) => void): unknown;
  on(event: 'progress', listener: ProgressListener): unknown;
  off(event: 'progress', listener: ProgressListener): unknown;
}

type ProgressListener = (event: { name: string; phase: string; message?: string; done: number; total: number }) => void;
