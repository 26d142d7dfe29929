import { parseArgs } from 'node:util';
import { installProject, ProgressDisplay, type InstallProjectResult, type ProgressEvent, type ProgressListener } from '../install';
import { EXIT_OK, type CliIO, type Command } from './command';
import { projectDir, projectHelp, projectOption } from './project-option';

export const installCommand: Command = {
  help: `Usage: multiverse install [namespace...] [--force] [--json]

Installs each namespace declared in multiverse.json into its own tree, .multiverse/<namespace>/
(a generated package.json, its own package-lock.json and node_modules/), all in parallel, and
writes .multiverse/map.json, which routes imports at run time. Files common to several trees are
stored once in .multiverse/.store/ and hardlinked (native addons are copied).

A namespace whose dependencies, registry and installed files are unchanged since its last install
is skipped. Installs are all or nothing: if one namespace fails, no tree and not the map change.
Registry, auth tokens, proxy and prefer-offline come from your .npmrc files and npm_config_* vars.

With names, installs only those namespaces; without, installs all and removes the trees of
namespaces no longer declared.

Options:
  --force              reinstall even up-to-date namespaces
  --json               print the result as JSON on stdout (progress still goes to stderr)
${projectHelp}

Exit codes: 0 installed or up to date; 2 bad config, unknown namespace, or a failed install
(unknown package or version, unreachable registry): the message says which and what to do.
`,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, ...projectOption },
    });
    const dir = await projectDir(values.project, io.cwd);
    const result = await withTreeProgress(io, (onProgress) => installProject(dir, { namespaces: positionals, force: values.force, onProgress }));
    if (values.json) io.stdout.write(`${JSON.stringify(jsonResult(result), null, 2)}\n`);
    else io.stdout.write(summary(result));
    return EXIT_OK;
  },
};

/**
 * Runs `work`, drawing the progress it reports on stderr: one row per tree (a namespace, or the
 * main tree), redrawn in place on a TTY. Shared by the commands that install.
 */
export async function withTreeProgress<T>(io: CliIO, work: (onProgress: (tree: string, event: ProgressEvent) => void) => Promise<T>): Promise<T> {
  const display = new ProgressDisplay(io.stderr);
  const listeners = new Map<string, ProgressListener>();
  try {
    return await work((tree, event) => {
      let listener = listeners.get(tree);
      if (!listener) listeners.set(tree, (listener = display.listener(tree)));
      listener(event);
    });
  } finally {
    display.finish();
  }
}

export function summary(result: InstallProjectResult): string {
  const lines = Object.entries(result.namespaces).map(([name, ns]) => {
    const packages = Object.entries(ns.packages).map(([p, v]) => `${p}@${v}`).join(', ');
    return `${name}: ${ns.changed ? 'installed' : 'up to date'} (${packages})`;
  });
  for (const name of result.removed) lines.push(`${name}: removed (no longer in multiverse.json)`);
  if (lines.length === 0) lines.push('multiverse.json declares no namespaces; nothing to install.');
  return `${lines.join('\n')}\n`;
}

export function jsonResult(result: InstallProjectResult): object {
  return { config: result.config.file, namespaces: result.namespaces, removed: result.removed, map: result.map };
}
