import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, MultiverseError } from '../errors';
import { applyIsolation, planIsolation, revertIsolation } from '../isolate';
import { EXIT_OK, type Command } from './command';
import { installWithProgress, jsonResult, summary } from './install';
import { projectDir, projectHelp, projectOption } from './project-option';

export const isolateCommand: Command = {
  help: `Usage: multiverse isolate <package> [--namespace <name>] [--no-install] [--json]

Moves <package> out of package.json (dependencies, devDependencies or optionalDependencies)
into a namespace of multiverse.json, keeping its version spec, then installs that namespace.
Both files keep their formatting and comments and are written atomically. Names, the spec and
the resulting multiverse.json are checked before anything is written; if the install fails, both
files are put back as they were.

Afterwards run "npm install" so your app's own tree and lockfile drop the moved package.

Options:
  --namespace <name>  namespace to move it into (created if needed); default <package>-<major>,
                      e.g. "react-17"
  --no-install        only edit the files
  --json              print what was done as JSON
${projectHelp}

Exit codes: 0 moved (and installed); 2 bad name, no such dependency, bad config, failed install.
`,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      allowNegative: true,
      options: { namespace: { type: 'string' }, install: { type: 'boolean', default: true }, json: { type: 'boolean', default: false }, ...projectOption },
    });
    if (positionals.length !== 1) throw new InputError('EUSAGE', `expects exactly one package name, got ${positionals.length}. Usage: multiverse isolate <package> [--namespace <name>]`);
    const dir = await projectDir(values.project, io.cwd);
    const plan = await planIsolation(dir, positionals[0] as string, { namespace: values.namespace });
    await applyIsolation(plan);
    const moved = `moved ${plan.packageName}@${plan.spec} from ${path.basename(plan.packageJson.file)} ${plan.field} to namespace "${plan.namespace}" in ${path.basename(plan.config.file)}`;
    if (!values.json) io.stdout.write(`${moved}\n`);
    let installed = null;
    if (values.install) {
      try {
        installed = await installWithProgress(dir, io, { namespaces: [plan.namespace] });
      } catch (error) {
        await revertIsolation(plan);
        const message = error instanceof Error ? error.message : String(error);
        const restored = `${message}\npackage.json and multiverse.json were put back as they were.`;
        // Keep the kind of the failure: a bad package name stays bad input, a crash stays a crash.
        if (error instanceof InputError) throw new InputError(error.code, restored, { cause: error });
        throw new MultiverseError(error instanceof MultiverseError ? error.code : 'EINSTALL', restored, { cause: error });
      }
      if (!values.json) io.stdout.write(summary(installed));
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ package: plan.packageName, spec: plan.spec, from: plan.field, namespace: plan.namespace, newNamespace: plan.newNamespace, config: plan.config.file, install: installed && jsonResult(installed) }, null, 2)}\n`);
    } else {
      io.stdout.write(`Next: run "npm install" so your app's own tree drops ${plan.packageName}.\n`);
    }
    return EXIT_OK;
  },
};
