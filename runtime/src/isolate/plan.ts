import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_FILE, parseConfig, type ProjectConfig } from '../config';
import { dependencyProblem, packageNameProblem } from '../config/dependency-spec';
import { InputError } from '../errors';
import { assertValidName } from '../names';
import { editJson, parseJsonFile } from './json-text';
import { readTextIfExists } from '../read-optional';

/** Where in package.json a dependency can be moved from. */
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/** The file edits that move one dependency from package.json into a namespace. */
export interface IsolationPlan {
  packageName: string;
  spec: string;
  /** The package.json field it is moved out of (the first, if it is listed in several; it leaves all). */
  field: (typeof FIELDS)[number];
  namespace: string;
  /** True when the namespace did not exist in multiverse.json yet. */
  newNamespace: boolean;
  packageJson: FileEdit;
  config: FileEdit;
  /** The project config after the move (validated). */
  result: ProjectConfig;
}

export interface FileEdit {
  file: string;
  /** Content before the edit; `null` when the file does not exist yet. */
  before: string | null;
  after: string;
}

/**
 * Works out, without writing anything, how to move `packageName` from the project's package.json
 * into namespace `namespace` of multiverse.json: both edits keep the files' existing formatting
 * and comments, and the resulting multiverse.json is validated (names, spec, ambiguity) first, so
 * a bad request is refused before any file changes.
 */
export async function planIsolation(projectDir: string, packageName: string, options: { namespace?: string } = {}): Promise<IsolationPlan> {
  const nameIssue = packageNameProblem(packageName);
  if (nameIssue !== undefined) throw new InputError('EINVALIDPACKAGENAME', `cannot isolate: ${nameIssue}.`);
  const root = path.resolve(projectDir);
  const manifestFile = path.join(root, 'package.json');
  const manifestText = await readExisting(manifestFile, `${manifestFile} does not exist; run multiverse in the folder of your app's package.json.`);
  const manifest = parseJsonFile(manifestText, manifestFile) as Record<string, unknown>;
  const fields = FIELDS.filter((f) => isRecord(manifest[f]) && typeof manifest[f][packageName] === 'string');
  const field = fields[0];
  if (field === undefined) {
    throw new InputError('ENOTADEPENDENCY', `${manifestFile} has no dependency "${packageName}" in ${FIELDS.join(', ')}; isolate moves an existing dependency. To add a new one, declare it in a namespace of ${CONFIG_FILE}.`);
  }
  const spec = (manifest[field] as Record<string, string>)[packageName] as string;
  const other = fields.find((f) => (manifest[f] as Record<string, string>)[packageName] !== spec);
  if (other !== undefined) {
    // Moving one spec and dropping the other would lose what the user wrote.
    throw new InputError('ECONFLICTINGSPEC', `${manifestFile} lists "${packageName}" as "${spec}" in ${field} and as "${(manifest[other] as Record<string, string>)[packageName]}" in ${other}; keep one, then isolate it.`);
  }
  const specIssue = dependencyProblem(packageName, spec);
  if (specIssue !== undefined) throw new InputError('EINVALIDSPEC', `cannot isolate: ${manifestFile}: ${specIssue}.`);
  const namespace = options.namespace ?? defaultNamespace(packageName, spec);
  assertValidName('namespace', namespace);

  const configFile = path.join(root, CONFIG_FILE);
  const configText = await readTextIfExists(configFile);
  const current = configText === null ? null : parseConfig(configText.replace(/^\uFEFF/, ''), configFile);
  const existing = current?.namespaces[namespace];
  const declared = existing?.dependencies[packageName];
  if (declared !== undefined && declared !== spec) {
    throw new InputError('ECONFLICTINGSPEC', `namespace "${namespace}" in ${configFile} already declares "${packageName}": "${declared}", but package.json has "${spec}". Decide on one spec, edit the files, then install.`);
  }
  const configAfter =
    configText === null
      ? `${JSON.stringify({ ...(await schemaReference(root)), namespaces: { [namespace]: { dependencies: { [packageName]: spec } } } }, null, 2)}\n`
      : editJson(configText, existing ? ['namespaces', namespace, 'dependencies', packageName] : ['namespaces', namespace], existing ? spec : { dependencies: { [packageName]: spec } });
  const result = parseConfig(configAfter.replace(/^\uFEFF/, ''), configFile);
  return {
    packageName,
    spec,
    field,
    namespace,
    newNamespace: existing === undefined,
    // Listed twice (say in dependencies and devDependencies), it must leave both or npm still installs it.
    packageJson: { file: manifestFile, before: manifestText, after: fields.reduce((text, f) => editJson(text, [f, packageName], undefined), manifestText) },
    config: { file: configFile, before: configText, after: configAfter },
    result,
  };
}

/** `react` at `^17.0.2` → `react-17`; `@scope/pkg` → `scope-pkg`: a readable, valid folder name. */
export function defaultNamespace(packageName: string, spec: string): string {
  const base = packageName.replace(/^@/, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/\.\.+/g, '.');
  const major = /^[\^~=v]?(\d+)(?:\.|$)/.exec(spec.trim())?.[1];
  return (major === undefined ? base : `${base}-${major}`).slice(0, 64);
}

/**
 * Points a new multiverse.json at the schema when the project has the multiverse package
 * installed, so editors other than VS Code (which gets it from the extension) validate it too.
 */
async function schemaReference(root: string): Promise<{ $schema?: string }> {
  const schema = './node_modules/multiverse/schema/multiverse.schema.json';
  return (await stat(path.join(root, schema)).then(() => true, () => false)) ? { $schema: schema } : {};
}

async function readExisting(file: string, missing: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('ENOPACKAGEJSON', missing);
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
