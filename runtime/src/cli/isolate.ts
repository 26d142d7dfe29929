import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readManifest } from '../analysis/manifest';
import { InputError } from '../errors';
import { mainTreeChanges } from '../install';
import { applyIsolation, finishIsolation, planIsolation, planMoveBack, type FinishResult, type IsolationPlan, type MoveBackPlan } from '../isolate';
import { detectPackageManager, installCommand } from '../package-manager';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './command';
import { jsonResult, summary, withTreeProgress } from './install';
import { projectDir, projectHelp, projectOption } from './project-option';

const options = {
  namespace: { type: 'string' },
  install: { type: 'boolean', default: true },
  'main-tree': { type: 'boolean', default: true },
  json: { type: 'boolean', default: false },
  ...projectOption,
} as const;

const shared = `Options:
  --namespace <name>  %NAMESPACE%
  --no-install        only edit the files
  --no-main-tree      leave the app's own node_modules alone (then run "npm install" yourself)
  --json              print what was done as JSON
${projectHelp}`;

export const isolateCommand: Command = {
  help: `Usage: multiverse isolate <package> [--namespace <name>] [--no-install] [--no-main-tree] [--json]

Moves <package> out of package.json (every one of dependencies, devDependencies and
optionalDependencies that lists it) into a namespace of multiverse.json, keeping its version spec,
then installs that namespace and updates the app's own tree the way "npm install" would, so its
copy of <package> leaves node_modules. Both files keep their formatting and comments and are written
atomically. Names, the spec and the resulting multiverse.json are checked before anything is
written; if the namespace fails to install, both files are put back as they were. The editor's
"Isolate dependency" makes the very same edits.

${shared.replace('%NAMESPACE%', 'namespace to move it into (created if needed); default the namespace that\n                      already declares it, else <package>-<major>, e.g. "react-17"')}

Exit codes: 0 moved (and installed); 2 bad name, no such dependency, conflicting specs, bad config,
failed install (files put back) or failed main-tree update (the move stands: run "npm install").
`,
  run: (args, io) => move('isolate', args, io),
};

export const moveBackCommand: Command = {
  help: `Usage: multiverse move-back <package> [--namespace <name>] [--no-install] [--no-main-tree] [--json]

The reverse of "multiverse isolate": takes <package> out of its namespace in multiverse.json
(a namespace left empty is removed, and so is an empty "namespaces") and declares it in
package.json's dependencies with the same spec. Then it removes the namespace's tree and map entry
if the namespace is gone (or reinstalls it without <package>), and installs <package> in the app's
own tree as "npm install" would. Refused before anything is written when package.json already
declares <package> with another spec.

${shared.replace('%NAMESPACE%', 'the namespace to take it from (needed when several declare it)')}

Exit codes: 0 moved back; 2 bad input, failed install (files put back) or failed main-tree update.
`,
  run: (args, io) => move('move-back', args, io),
};

async function move(kind: 'isolate' | 'move-back', args: string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, allowNegative: true, options });
  if (positionals.length !== 1) throw new InputError('EUSAGE', `expects exactly one package name, got ${positionals.length}. Usage: multiverse ${kind} <package> [--namespace <name>]`);
  const dir = await projectDir(values.project, io.cwd);
  const name = positionals[0] as string;
  const plan = kind === 'isolate' ? await planIsolation(dir, name, { namespace: values.namespace }) : await planMoveBack(dir, name, { namespace: values.namespace });
  await applyIsolation(plan);
  if (!values.json) io.stdout.write(`${describe(plan)}\n`);
  const finished = values.install ? await withTreeProgress(io, (onProgress) => finishIsolation(dir, plan, { updateMainTree: values['main-tree'], onProgress })) : null;
  if (values.json) {
    const install = finished && jsonResult(finished.install);
    const mainTree = finished?.mainTreeError ? { error: finished.mainTreeError.message } : (finished?.mainTree ?? null);
    const namespaceChange = plan.kind === 'isolate' ? { newNamespace: plan.newNamespace } : { removesNamespace: plan.removesNamespace };
    const result = { action: kind, package: plan.packageName, spec: plan.spec, field: plan.field, namespace: plan.namespace, ...namespaceChange, config: plan.config.file, install, mainTree };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (finished !== null) {
    io.stdout.write(summary(finished.install));
    if (finished.mainTree !== null) io.stdout.write(`${mainTreeLine(finished)}\n`);
  }
  if (finished?.mainTreeError) {
    io.stderr.write(`multiverse ${kind}: ${finished.mainTreeError.message}\n`);
    return EXIT_USAGE;
  }
  const leftTo = finished === null || finished.mainTree === null ? await projectInstallCommand(dir) : finished.mainTree.leftTo;
  if (!values.json && leftTo !== null) io.stdout.write(`Next: run "${leftTo}" so your app's own tree ${plan.kind === 'isolate' ? 'drops' : 'gets'} ${plan.packageName}.\n`);
  return EXIT_OK;
}

function describe(plan: IsolationPlan | MoveBackPlan): string {
  const manifest = path.basename(plan.packageJson.file);
  const config = path.basename(plan.config.file);
  if (plan.kind === 'isolate') return `moved ${plan.packageName}@${plan.spec} from ${manifest} ${plan.field} to namespace "${plan.namespace}" in ${config}`;
  return `moved ${plan.packageName}@${plan.spec} from namespace "${plan.namespace}" in ${config} back to ${manifest} ${plan.field}${plan.removesNamespace ? ` (namespace "${plan.namespace}" removed)` : ''}`;
}

function mainTreeLine(finished: FinishResult): string {
  const tree = finished.mainTree;
  if (tree?.leftTo) return `main tree: installed by the project's package manager, left to "${tree.leftTo}"`;
  if (tree === null || !tree.updated) return 'main tree: not installed (no node_modules), left alone';
  return `main tree: ${mainTreeChanges(tree)}`;
}

async function projectInstallCommand(dir: string): Promise<string> {
  return installCommand((await detectPackageManager(dir, await readManifest(path.join(dir, 'package.json')))).name);
}
