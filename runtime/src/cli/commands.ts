import type { Command } from './command';
import { extCommand } from './ext';
import { installCommand } from './install';
import { isolateCommand } from './isolate';
import { validateCommand } from './validate';

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [installCommand, isolateCommand, validateCommand, extCommand];
