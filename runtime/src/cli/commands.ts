import type { Command } from './command';

/** What the command list needs to know about a command without loading it. */
export interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  load(): Command;
}

/**
 * Every CLI command, in the order `--help` lists them. Each loads its module on first use, so
 * `multiverse --version` or a command that never analyses pays for nothing else (the analysis
 * alone pulls in arborist). Plain requires: an `import()` would start the ES module loader.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const commands: CommandEntry[] = [
  { name: 'install', summary: 'install the namespaces of multiverse.json into .multiverse/', load: () => (require('./install') as typeof import('./install')).installCommand },
  { name: 'isolate', summary: 'move a dependency from package.json into a namespace and install it', load: () => (require('./isolate') as typeof import('./isolate')).isolateCommand },
  { name: 'validate-name', summary: 'check a namespace or extension name', load: () => (require('./validate') as typeof import('./validate')).validateCommand },
  { name: 'check', summary: 'find dependency conflicts in the project and its namespaces', load: () => (require('./check') as typeof import('./check')).checkCommand },
  { name: 'why', summary: 'show every copy of a package and why it is installed', load: () => (require('./why') as typeof import('./why')).whyCommand },
  { name: 'tree', summary: 'print the dependency tree of the project or of a namespace', load: () => (require('./tree') as typeof import('./tree')).treeCommand },
  { name: 'run', summary: 'run a script with its imports routed to the namespaces', load: () => (require('./run') as typeof import('./run')).runCommand },
  { name: 'ext', summary: 'list or call the isolated extensions of multiverse.json', load: () => (require('./ext') as typeof import('./ext')).extCommand },
];
