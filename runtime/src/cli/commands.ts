import type { Command } from './command';
// Types only: erased from the output, so they load nothing.
import type * as InstallModule from './install';
import type * as IsolateModule from './isolate';
import type * as ValidateModule from './validate';
import type * as CheckModule from './check';
import type * as WhyModule from './why';
import type * as TreeModule from './tree';
import type * as RunModule from './run';
import type * as ExtModule from './ext';

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
  { name: 'install', summary: 'install the namespaces of multiverse.json into .multiverse/', load: () => (require('./install') as typeof InstallModule).installCommand },
  { name: 'isolate', summary: 'move a dependency from package.json into a namespace and install it', load: () => (require('./isolate') as typeof IsolateModule).isolateCommand },
  { name: 'move-back', summary: 'move a dependency from a namespace back into package.json', load: () => (require('./isolate') as typeof IsolateModule).moveBackCommand },
  { name: 'validate-name', summary: 'check a namespace or extension name', load: () => (require('./validate') as typeof ValidateModule).validateCommand },
  { name: 'check', summary: 'find dependency conflicts in the project and its namespaces', load: () => (require('./check') as typeof CheckModule).checkCommand },
  { name: 'why', summary: 'show every copy of a package and why it is installed', load: () => (require('./why') as typeof WhyModule).whyCommand },
  { name: 'tree', summary: 'print the dependency tree of the project or of a namespace', load: () => (require('./tree') as typeof TreeModule).treeCommand },
  { name: 'run', summary: 'run a script with its imports routed to the namespaces', load: () => (require('./run') as typeof RunModule).runCommand },
  { name: 'ext', summary: 'list or call the isolated extensions of multiverse.json', load: () => (require('./ext') as typeof ExtModule).extCommand },
];
