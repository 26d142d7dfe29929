import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { assertValidName, type NameKind } from '../names';
import { EXIT_OK, type Command } from './command';

/**
 * `multiverse validate-name` checks names before a script writes anything with them; it is the
 * same check every other command applies to namespace and extension names.
 */
export const validateCommand: Command = {
  help: `Usage: multiverse validate-name <name> [--kind namespace|extension] [--json]

Checks that <name> can name a namespace or an extension: a letter or digit first, then letters,
digits, "_", "." and "-", never "..", at most 64 characters. Exit 0 when valid, 2 when not.
`,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { kind: { type: 'string', default: 'namespace' }, json: { type: 'boolean', default: false } },
    });
    const kind = values.kind as NameKind;
    if (kind !== 'namespace' && kind !== 'extension') throw new InputError('EUSAGE', `--kind must be "namespace" or "extension", got ${JSON.stringify(values.kind)}`);
    if (positionals.length !== 1) throw new InputError('EUSAGE', `expects exactly one name, got ${positionals.length}`);
    const name = positionals[0];
    assertValidName(kind, name);
    io.stdout.write(values.json ? `${JSON.stringify({ name, kind, valid: true })}\n` : `${JSON.stringify(name)} is a valid ${kind} name\n`);
    return EXIT_OK;
  },
};
