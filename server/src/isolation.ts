import * as path from 'node:path';
import { InputError } from 'multiverse';
import {
  applyIsolation,
  CONFIG_FILE,
  finishIsolation,
  mainTreeChanges,
  planIsolationOf,
  planMoveBackOf,
  readProjectTexts,
  type FileEdit,
  type FinishResult,
  type IsolationPlan,
  type MoveBackPlan,
} from 'multiverse/tooling';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { InstallProgress } from './install-command';
import { planWorkspaceEdit, type OpenDocuments } from './manifest-edits';
import { Commands, type IsolationArguments, type IsolationFileEdit } from './protocol';
import { URI } from 'vscode-uri';

/** What the user asked for: which package, isolated into or moved back out of which namespace. */
export interface IsolationRequest {
  action: IsolationArguments['action'];
  package: string;
  namespace?: string;
}

/**
 * The runtime's plan for an isolation or a move back, made from the texts the editor holds (open,
 * maybe unsaved, documents win over the disk): the same pure planning `multiverse isolate` and
 * `multiverse move-back` run, so both produce byte-identical files.
 */
export async function planFor(projectDir: string, request: IsolationRequest, openDocument: OpenDocuments): Promise<IsolationPlan | MoveBackPlan> {
  const texts = await readProjectTexts(projectDir, (file) => openDocument(URI.file(file).toString())?.getText());
  return request.action === 'isolate' ? planIsolationOf(texts, request.package, { namespace: request.namespace }) : planMoveBackOf(texts, request.package, { namespace: request.namespace });
}

/**
 * The code action for a request: the plan's edit, and the command that completes it once applied.
 * A refused plan (conflicting specs, an invalid multiverse.json) becomes a disabled action whose
 * reason is the runtime's message, or no action for clients that cannot show one.
 */
export async function isolationAction(folder: string, projectDir: string, request: IsolationRequest, openDocument: OpenDocuments, options: { diagnostics?: Diagnostic[]; disabledSupport: boolean }): Promise<CodeAction | undefined> {
  const title = request.action === 'isolate' ? `Isolate dependency '${request.package}'` : `Move '${request.package}' back to the main tree`;
  const diagnostics = options.diagnostics ?? [];
  const kind = request.action === 'move-back' ? CodeActionKind.RefactorRewrite : diagnostics.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.RefactorExtract;
  let plan: IsolationPlan | MoveBackPlan;
  try {
    plan = await planFor(projectDir, request, openDocument);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return options.disabledSupport ? { title, kind, diagnostics, disabled: { reason: error.message } } : undefined;
  }
  const args: IsolationArguments = { folder, action: request.action, package: plan.packageName, namespace: plan.namespace, packageJson: texts(plan.packageJson), config: texts(plan.config) };
  return {
    title,
    kind,
    diagnostics,
    isPreferred: diagnostics.length > 0,
    edit: planWorkspaceEdit([plan.packageJson, plan.config], openDocument),
    command: { title: request.action === 'isolate' ? `Install namespace '${plan.namespace}'` : 'Install the main tree', command: Commands.completeIsolation, arguments: [args] },
  };
}

function texts(edit: FileEdit): IsolationFileEdit {
  return { before: edit.before, after: edit.after };
}

/**
 * Completes an isolation (or a move back) whose edit the client applied: the edited texts reach
 * the disk (already saved by the client, or saved here, atomically, through the runtime's
 * `applyIsolation`), then the runtime's `finishIsolation` installs the namespace (taking the project
 * lock) and updates the main tree. Any LSP client gets the whole isolation from one command. A file
 * that changed in between in another way is never overwritten: the command then refuses.
 */
export async function completeIsolation(projectDir: string, args: IsolationArguments, openDocument: OpenDocuments, progress: InstallProgress, updateMainTree: boolean): Promise<{ summary: string; result: FinishResult }> {
  const plan = await replan(projectDir, args);
  const disk = await readProjectTexts(projectDir);
  const pending = (['packageJson', 'config'] as const).filter((key) => disk[key] !== plan[key].after);
  for (const key of pending) {
    const edit = plan[key];
    const open = openDocument(URI.file(edit.file).toString())?.getText();
    if (disk[key] !== edit.before && open !== edit.after) {
      throw new InputError('ECHANGED', `${edit.file} changed since the edit was made (it holds neither the text before nor after it); nothing was saved or installed. Undo or save your changes, then ${args.action === 'isolate' ? 'isolate' : 'move back'} again.`);
    }
  }
  if (pending.length > 0) await applyIsolation({ packageJson: { ...plan.packageJson, before: disk.packageJson }, config: { ...plan.config, before: disk.config } });
  const result = await finishIsolation(projectDir, plan, {
    updateMainTree,
    signal: progress.signal,
    onProgress: (tree, event) => progress.report(`${tree}: ${event.message ?? event.phase}`),
  });
  return { summary: summarize(plan, result), result };
}

/**
 * The plan the arguments stand for, made again from their `before` texts: the runtime decides what
 * an isolation writes, so arguments that do not match its plan (a stale or foreign command) are refused.
 */
async function replan(projectDir: string, args: IsolationArguments): Promise<IsolationPlan | MoveBackPlan> {
  const texts = { ...(await readProjectTexts(projectDir)), packageJson: args.packageJson.before, config: args.config.before };
  const plan = args.action === 'isolate' ? planIsolationOf(texts, args.package, { namespace: args.namespace }) : planMoveBackOf(texts, args.package, { namespace: args.namespace });
  if (plan.packageJson.after !== args.packageJson.after || plan.config.after !== args.config.after) {
    throw new InputError('ESTALEEDIT', `the edit to package.json and ${CONFIG_FILE} in ${projectDir} is not what the runtime plans for ${args.action === 'isolate' ? 'isolating' : 'moving back'} "${args.package}" any more; ask for the action again.`);
  }
  return plan;
}

function summarize(plan: IsolationPlan | MoveBackPlan, result: FinishResult): string {
  const moved = plan.kind === 'isolate' ? `Isolated ${plan.packageName} into namespace "${plan.namespace}"` : `Moved ${plan.packageName} back to the main tree`;
  const installed = Object.entries(result.install.namespaces).map(([name, ns]) => `${name} ${ns.changed ? 'installed' : 'up to date'}`);
  const removed = result.install.removed.map((name) => `${name} removed`);
  const trees = [...installed, ...removed].join(', ');
  const tree = result.mainTree;
  const main = result.mainTreeError
    ? `the main tree was not updated: ${result.mainTreeError.message}`
    : tree === null
      ? `the main tree was left alone: run "npm install" in ${path.dirname(plan.packageJson.file)}`
      : tree.leftTo !== null
        ? `the main tree belongs to the project's package manager: run "${tree.leftTo}" in ${path.dirname(plan.packageJson.file)}`
        : !tree.updated
          ? 'the main tree is not installed'
          : `main tree: ${mainTreeChanges(tree)}`;
  return `${moved}${trees === '' ? '' : ` (${trees})`}; ${main}.`;
}
