import type { RunningExtension, RunState } from '../extensions/runtime-api';
import type { DeclaredExtension } from './declared-extensions';
import { Colors, type NodeView } from './node-view';

/** A declared extension and, once started, what the runtime reports about its current run. */
export interface ExtensionRow {
  folder: string;
  declared: DeclaredExtension;
  running: RunningExtension | undefined;
  /** Resident memory of a process extension's process; worker extensions share the host's. */
  rssBytes: number | undefined;
}

const stateIcons: Record<RunState | 'not started', NodeView['icon']> = {
  'not started': { id: 'circle-outline' },
  starting: { id: 'loading~spin' },
  restarting: { id: 'loading~spin' },
  running: { id: 'pass-filled', color: Colors.ok },
  crashed: { id: 'error', color: Colors.error },
  stopped: { id: 'circle-slash', color: Colors.muted },
};

export function describeExtension(row: ExtensionRow): NodeView {
  const { declared, running } = row;
  const state = running?.state ?? 'not started';
  const isolation = running?.isolation ?? declared.isolation;
  const parts = [isolation, state];
  if (running?.pid !== undefined && state === 'running') parts.push(isolation === 'worker' ? `in host pid ${running.pid}` : `pid ${running.pid}`);
  if (row.rssBytes !== undefined) parts.push(`${Math.round(row.rssBytes / (1024 * 1024))} MB`);
  const dependencies = Object.entries(declared.dependencies).map(([name, spec]) => `${name}@${spec}`);
  return {
    label: declared.name,
    description: parts.join(' · '),
    tooltip: [
      `${declared.name} (${declared.path}), ${isolation} isolation`,
      dependencies.length > 0 ? `Dependencies: ${dependencies.join(', ')}` : undefined,
      running && running.methods.length > 0 ? `Methods: ${running.methods.join(', ')}` : undefined,
      running && running.restarts > 0 ? `Restarted ${running.restarts} time(s)` : undefined,
      running?.lastError ? `Last error: ${running.lastError.code}: ${running.lastError.message}` : undefined,
    ]
      .filter((l) => l !== undefined)
      .join('\n'),
    icon: stateIcons[state],
    // e.g. `extension.running.process`: menus offer Stop on running ones, Attach Debugger on processes.
    contextValue: `extension.${state === 'not started' ? 'stopped' : state}.${isolation}`,
    collapsible: 'none',
  };
}
