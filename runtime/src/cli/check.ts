import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeProject, type Conflict, type ProjectAnalysis } from '../analysis';
import { InputError } from '../errors';
import { EXIT_FINDINGS, EXIT_OK, type Command } from './command';
import { projectDir, projectHelp, projectOption } from './project-option';

/**
 * `multiverse check` is the CI gate: everything the language server would underline, for the whole
 * project, with an exit code a pipeline can branch on.
 */
export const checkCommand: Command = {
  help: `Usage: multiverse check [--json] [--singleton <pkg>]... [-C <dir>]

Analyses the installed tree (or the lockfile when node_modules is missing) as the project's package
manager sees it (npm, pnpm, Yarn classic, Yarn Berry with node_modules or Plug'n'Play, Bun), its
workspaces and the namespace trees of multiverse.json, and reports, in that manager's words, each
finding with the copy (folder) it is about:
  invalid            an installed version outside the range a dependent asks for
  missing            a dependency that is not installed (optional ones are never reported)
  peer               a peer dependency conflict (npm's ERESOLVE, pnpm's unmet peer, Yarn's YN0060...)
  singleton          react, react-dom, vue, graphql, @angular/core (and --singleton ones) installed
                     twice in one tree: an error, or a warning for packages multiverse.json lists in
                     "allowDuplicates"
  namespace-not-installed, namespace-stale
                     a namespace to install; "stale" says which input changed
  namespace-orphaned a namespace tree or map.json entry multiverse.json no longer declares (an
                     error while map.json routes to it); "multiverse install" removes it
  main-tree-leftover the main tree's copy of a package that moved into a namespace (a warning):
                     "npm install" removes it
  declared-twice     a package in a namespace and in package.json (a warning), saying which app
                     files get which copy

Options:
      --json             print {"conflicts": [...], "summary": {...}} instead of text; each conflict
                         has "paths" (the copies' folders) and "anchors" (the manifest entries)
      --singleton <pkg>  also require <pkg> to be installed once (repeatable)
${projectHelp}

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 usage or input errors.
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, singleton: { type: 'string', multiple: true, default: [] }, ...projectOption },
    });
    if (positionals.length > 0) throw new InputError('EUSAGE', `takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    const dir = await projectDir(values.project, io.cwd);
    await requirePackageJson(dir);
    const analysis = await analyzeProject(dir, { singletons: values.singleton });
    const errors = analysis.conflicts.filter((c) => c.severity === 'error').length;
    if (values.json) io.stdout.write(`${JSON.stringify({ projectDir: dir, conflicts: analysis.conflicts, summary: summary(analysis) }, null, 2)}\n`);
    else io.stdout.write(report(analysis));
    return errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};

async function requirePackageJson(dir: string): Promise<void> {
  try {
    await access(path.join(dir, 'package.json'));
  } catch {
    throw new InputError('ENOPACKAGEJSON', `no package.json in ${dir}. Run check in a project folder or pass it with --project <dir>.`);
  }
}

function summary(analysis: ProjectAnalysis): { packages: number; namespaces: number; errors: number; warnings: number } {
  const packages = analysis.main.nodes.length - 1 + analysis.namespaces.reduce((n, t) => n + t.nodes.length - 1, 0);
  const errors = analysis.conflicts.filter((c) => c.severity === 'error').length;
  return { packages, namespaces: analysis.namespaceSummaries.length, errors, warnings: analysis.conflicts.length - errors };
}

function report(analysis: ProjectAnalysis): string {
  const { packages, namespaces, errors, warnings } = summary(analysis);
  const lines = analysis.conflicts.map((c) => formatConflict(c, analysis.projectDir));
  const scope = `${packages} package${packages === 1 ? '' : 's'}${namespaces > 0 ? `, ${namespaces} namespace${namespaces === 1 ? '' : 's'}` : ''}`;
  const verdict = errors + warnings === 0 ? `no conflicts (${scope})` : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${scope})`;
  return `${lines.join('\n')}${lines.length > 0 ? '\n\n' : ''}${verdict}\n`;
}

function formatConflict(conflict: Conflict, root: string): string {
  const relative = (file: string): string => path.relative(root, file) || '.';
  const copies = conflict.paths.length > 0 ? `\n         ${conflict.paths.length === 1 ? 'copy' : 'copies'} ${conflict.paths.map(relative).join(', ')}` : '';
  const at = conflict.anchors.map((a) => `${relative(a.file)} ${a.jsonPath.join('.') || '(top level)'}`);
  const where = at.length > 0 ? `\n         at ${at.join(', ')}` : '';
  return `${conflict.severity.padEnd(8)} ${conflict.kind}: ${conflict.message}${copies}${where}`;
}
