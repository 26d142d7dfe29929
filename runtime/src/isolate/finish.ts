import { InputError, MultiverseError } from '../errors';
import { installProject, type InstallProjectResult } from '../install/project';
import { updateMainTree, type MainTreeResult } from '../install/main-tree';
import type { ProgressEvent } from '../install/progress';
import { revertIsolation } from './apply';
import type { IsolationPlan, MoveBackPlan } from './plan';

/** The label progress of the app's own tree is reported under. */
export const MAIN_TREE = 'main tree';

export interface FinishOptions {
  /**
   * Bring the app's own tree in line afterwards, as `npm install` would: the isolated package's copy
   * leaves node_modules, a moved-back one is installed. Default true.
   */
  updateMainTree?: boolean;
  /** Progress per tree: a namespace's name, or {@link MAIN_TREE}. */
  onProgress?: (tree: string, event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface FinishResult {
  install: InstallProjectResult;
  /** `null` when the main tree was not to be updated. */
  mainTree: MainTreeResult | null;
  /**
   * Why the main tree could not be updated (it stays as it was): the isolation itself is complete,
   * so this is reported rather than thrown. The message names the command to run.
   */
  mainTreeError: MultiverseError | null;
}

/**
 * Completes an isolation or a move back once its edits are written ({@link applyIsolation}): installs
 * the namespace it changed (a namespace the move back removed is pruned with its map entry, as
 * `multiverse install` prunes), then updates the main tree. If the install fails, both files are
 * put back as they were and the error says so; nothing is left half-done. The CLI and the language
 * server both finish through here.
 */
export async function finishIsolation(projectDir: string, plan: IsolationPlan | MoveBackPlan, options: FinishOptions = {}): Promise<FinishResult> {
  const namespaces = plan.kind === 'move-back' && plan.removesNamespace ? [] : [plan.namespace];
  let install: InstallProjectResult;
  try {
    install = await installProject(projectDir, { namespaces, onProgress: options.onProgress, signal: options.signal });
  } catch (error) {
    await revertIsolation(plan);
    const message = `${error instanceof Error ? error.message : String(error)}\npackage.json and multiverse.json were put back as they were.`;
    // Keep the kind of the failure: a bad package name stays bad input, a crash stays a crash.
    if (error instanceof InputError) throw new InputError(error.code, message, { cause: error });
    throw new MultiverseError(error instanceof MultiverseError ? error.code : 'EINSTALL', message, { cause: error });
  }
  if (options.updateMainTree === false) return { install, mainTree: null, mainTreeError: null };
  try {
    const mainTree = await updateMainTree(projectDir, { onProgress: options.onProgress && ((event) => options.onProgress?.(MAIN_TREE, event)), signal: options.signal });
    return { install, mainTree, mainTreeError: null };
  } catch (error) {
    const failure = error instanceof MultiverseError ? error : new MultiverseError('EINSTALL', `updating the main tree failed: ${error instanceof Error ? error.message : String(error)}. Run "npm install" in ${projectDir}.`, { cause: error });
    return { install, mainTree: null, mainTreeError: failure };
  }
}
