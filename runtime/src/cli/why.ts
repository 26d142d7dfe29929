import { parseArgs } from 'node:util';
import { analyzeProject, explainPackage, type PackageExplanation } from '../analysis';
import { InputError } from '../errors';
import { EXIT_FINDINGS, EXIT_OK, type Command } from './command';
import { projectDir, projectHelp, projectOption } from './project-option';

/** `multiverse why <pkg>`: every copy of a package, in which tree, and the chains that put it there. */
export const whyCommand: Command = {
  help: `Usage: multiverse why <pkg> [--json] [-C <dir>]

Lists every installed copy of <pkg> in the main tree and in each namespace tree, with its version,
its folder, and the dependency chains from the project (or the namespace) that put it there, as
npm explain does. Also says when multiverse.json declares <pkg> in a namespace.

Options:
      --json             print the explanation as JSON
${projectHelp}

Exit codes: 0 found, 1 not installed anywhere, 2 usage or input errors.
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, ...projectOption } });
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0) throw new InputError('EUSAGE', `expects exactly one package name, got ${positionals.length}`);
    const dir = await projectDir(values.project, io.cwd);
    const explanation = explainPackage(await analyzeProject(dir), name);
    io.stdout.write(values.json ? `${JSON.stringify(explanation, null, 2)}\n` : render(explanation));
    return explanation.copies.length > 0 ? EXIT_OK : EXIT_FINDINGS;
  },
};

function render(explanation: PackageExplanation): string {
  const lines: string[] = [];
  for (const ns of explanation.declaredIn) lines.push(`${explanation.package}@"${ns.spec}" is declared in namespace "${ns.namespace}" (multiverse.json)`);
  if (explanation.copies.length === 0) lines.push(`${explanation.package} is not installed in the project or any namespace.`);
  for (const copy of explanation.copies) {
    lines.push('', `${copy.package}@${copy.version} in ${copy.namespace === null ? 'the main tree' : `namespace "${copy.namespace}"`}`, `  ${copy.path}`);
    if (copy.chains.length === 0) lines.push('  nothing depends on it (extraneous)');
    for (const chain of copy.chains) lines.push(`  ${chain}`);
  }
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}
