import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { RuntimeModule } from './runtime-api';

/**
 * Loads the `multiverse` runtime the project itself depends on, resolved from the project root as
 * Node would. The project's own copy is what `multiverse run` uses, so extensions run from the
 * editor behave as they do in the app; and the runtime starts workers and processes from its own
 * files, which a bundled copy inside this extension could not provide. Only called in trusted
 * workspaces: it executes code from the workspace.
 */
export function loadWorkspaceRuntime(root: string): RuntimeModule {
  const requireFromProject = createRequire(path.join(root, 'package.json'));
  let entry: string;
  try {
    entry = requireFromProject.resolve('multiverse');
  } catch (error) {
    throw new Error(`Running isolated extensions needs the multiverse runtime installed in ${root} (see "Use it in your app" in the Multiverse README): ${error instanceof Error ? error.message : String(error)}`);
  }
  const runtime = requireFromProject(entry) as Partial<RuntimeModule>;
  if (typeof runtime.ExtensionManager !== 'function' || typeof runtime.callOptions !== 'function') {
    throw new Error(`The multiverse package at ${entry} has no ExtensionManager: it is too old to run isolated extensions; update it.`);
  }
  return runtime as RuntimeModule;
}
