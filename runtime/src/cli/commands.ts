import { checkCommand } from './check';
import type { Command } from './command';
import { extCommand } from './ext';
import { installCommand } from './install';
import { isolateCommand, moveBackCommand } from './isolate';
import { runCommand } from './run';
import { treeCommand } from './tree';
import { validateCommand } from './validate';
import { whyCommand } from './why';

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [installCommand, isolateCommand, moveBackCommand, validateCommand, checkCommand, whyCommand, treeCommand, runCommand, extCommand];
