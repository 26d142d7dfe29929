import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_FILE, parseConfig, type ProjectConfig } from '../config';
import { dependencyProblem, packageNameProblem } from '../config/dependency-spec';
import { InputError } from '../errors';
import { assertValidName } from '../names';
import { readTextIfExists } from '../read-optional';
import { editJson, parseJsonFile } from './json-text';

/** Where in package.json a dependency can be moved from. */
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
export type DependencyField = (typeof FIELDS)[number];

/** The files a plan rewrites, each with its text before and after. */
export interface ManifestEdits {
  packageJson: FileEdit;
  config: FileEdit;
}

export interface FileEdit {
  file: string;
  /** Content before the edit; `null` when the file does not exist yet. */
  before: string | null;
  after: string;
}

/** The file edits that move one dependency from package.json into a namespace. */
export interface IsolationPlan extends ManifestEdits {
  kind: 'isolate';
  packageName: string;
  spec: string;
  /** The package.json field it is moved out of (the first, if it is listed in several; it leaves all). */
  field: DependencyField;
  namespace: string;
  /** True when the namespace did not exist in multiverse.json yet. */
  newNamespace: boolean;
  /** The project config after the move (validated). */
  result: ProjectConfig;
}

/** The file edits that move one dependency of a namespace back into package.json. */
export interface MoveBackPlan extends ManifestEdits {
  kind: 'move-back';
  packageName: string;
  spec: string;
  /** The package.json field that declares it afterwards. */
  field: DependencyField;
  namespace: string;
  /** True when it was the namespace's last dependency, so the namespace goes too. */
  removesNamespace: boolean;
  /** The project config after the move (validated). */
  result: ProjectConfig;
}

/**
 * The texts a plan is made from: package.json and multiverse.json as they are on disk, or as an
 * editor holds them unsaved. Plans are pure functions of these, so the CLI (which reads the disk)
 * and the language server (which reads its open documents) compute the very same edits.
 */
export interface ProjectTexts {
  projectDir: string;
  /** package.json's text; `null` when the file does not exist. */
  packageJson: string | null;
  /** multiverse.json's text; `null` when the file does not exist. */
  config: string | null;
  /** Whether the multiverse package is installed in the project: a new multiverse.json then points at its schema. */
  schemaInstalled: boolean;
}

/** Where a new multiverse.json points `$schema`, when the project has the package installed. */
const SCHEMA = './node_modules/multiverse/schema/multiverse.schema.json';

/**
 * Reads the {@link ProjectTexts} of `projectDir` from disk; `editorText` may supply a file's text
 * as an editor holds it (open, maybe unsaved), which then wins over the disk.
 */
export async function readProjectTexts(projectDir: string, editorText: (file: string) => string | undefined = () => undefined): Promise<ProjectTexts> {
  const root = path.resolve(projectDir);
  const read = async (file: string): Promise<string | null> => editorText(file) ?? (await readTextIfExists(file));
  return {
    projectDir: root,
    packageJson: await read(path.join(root, 'package.json')),
    config: await read(path.join(root, CONFIG_FILE)),
    schemaInstalled: await stat(path.join(root, SCHEMA)).then(
      () => true,
      () => false,
    ),
  };
}

/**
 * Works out, without writing anything, how to move `packageName` from the project's package.json
 * into namespace `namespace` of multiverse.json (by default the namespace that already declares it,
 * else {@link defaultNamespace}). It leaves every package.json field that lists it, or npm would
 * still install it in the app's tree. Both edits keep the files' existing formatting and comments,
 * and the resulting multiverse.json is validated (names, spec, ambiguity) first, so a bad request is
 * refused before any file changes.
 */
export async function planIsolation(projectDir: string, packageName: string, options: { namespace?: string } = {}): Promise<IsolationPlan> {
  return planIsolationOf(await readProjectTexts(projectDir), packageName, options);
}

/** {@link planIsolation} on given texts: what the editor's "Isolate dependency" offers as its edit. */
export function planIsolationOf(texts: ProjectTexts, packageName: string, options: { namespace?: string } = {}): IsolationPlan {
  const nameIssue = packageNameProblem(packageName);
  if (nameIssue !== undefined) throw new InputError('EINVALIDPACKAGENAME', `cannot isolate: ${nameIssue}.`);
  const { manifestFile, manifestText, manifest } = readManifest(texts);
  const fields = declaringFields(manifest, packageName);
  const field = fields[0];
  if (field === undefined) {
    throw new InputError('ENOTADEPENDENCY', `${manifestFile} has no dependency "${packageName}" in ${FIELDS.join(', ')}; isolate moves an existing dependency. To add a new one, declare it in a namespace of ${CONFIG_FILE}.`);
  }
  const spec = specIn(manifest, field, packageName);
  const other = fields.find((f) => specIn(manifest, f, packageName) !== spec);
  if (other !== undefined) {
    // Moving one spec and dropping the other would lose what the user wrote.
    throw new InputError('ECONFLICTINGSPEC', `${manifestFile} lists "${packageName}" as "${spec}" in ${field} and as "${specIn(manifest, other, packageName)}" in ${other}; keep one, then isolate it.`);
  }
  const specIssue = dependencyProblem(packageName, spec);
  if (specIssue !== undefined) throw new InputError('EINVALIDSPEC', `cannot isolate: ${manifestFile}: ${specIssue}.`);

  const configFile = path.join(texts.projectDir, CONFIG_FILE);
  const current = texts.config === null ? null : parseConfig(withoutBom(texts.config), configFile);
  // Isolating a package a namespace already holds adds to that namespace, so it never splits.
  const namespace = options.namespace ?? namespacesDeclaring(current, packageName)[0] ?? defaultNamespace(packageName, spec);
  assertValidName('namespace', namespace);
  const existing = current !== null && Object.hasOwn(current.namespaces, namespace) ? current.namespaces[namespace] : undefined;
  const declared = existing !== undefined && Object.hasOwn(existing.dependencies, packageName) ? existing.dependencies[packageName] : undefined;
  if (declared !== undefined && declared !== spec) {
    throw new InputError('ECONFLICTINGSPEC', `namespace "${namespace}" in ${configFile} already declares "${packageName}": "${declared}", but package.json has "${spec}". Decide on one spec, edit the files, then install.`);
  }
  const configAfter =
    texts.config === null
      ? `${JSON.stringify({ ...(texts.schemaInstalled ? { $schema: SCHEMA } : {}), namespaces: { [namespace]: { dependencies: { [packageName]: spec } } } }, null, 2)}\n`
      : editJson(texts.config, existing ? ['namespaces', namespace, 'dependencies', packageName] : ['namespaces', namespace], existing ? spec : { dependencies: { [packageName]: spec } });
  return {
    kind: 'isolate',
    packageName,
    spec,
    field,
    namespace,
    newNamespace: existing === undefined,
    // Listed twice (say in dependencies and devDependencies), it must leave both or npm still installs it.
    packageJson: { file: manifestFile, before: manifestText, after: fields.reduce((text, f) => editJson(text, [f, packageName], undefined), manifestText) },
    config: { file: configFile, before: texts.config, after: configAfter },
    result: parseConfig(withoutBom(configAfter), configFile),
  };
}

/**
 * The reverse of an isolation: takes `packageName` out of namespace `namespace` and declares it in
 * package.json's dependencies with the namespace's spec (unless package.json already declares it
 * with that spec). A namespace left without dependencies is removed, and so is a `namespaces`
 * object left empty. Refused, before anything is written, when package.json declares another spec.
 */
export async function planMoveBack(projectDir: string, packageName: string, options: { namespace?: string } = {}): Promise<MoveBackPlan> {
  return planMoveBackOf(await readProjectTexts(projectDir), packageName, options);
}

/** {@link planMoveBack} on given texts: what the editor's "Move back to the main tree" offers as its edit. */
export function planMoveBackOf(texts: ProjectTexts, packageName: string, options: { namespace?: string } = {}): MoveBackPlan {
  const configFile = path.join(texts.projectDir, CONFIG_FILE);
  if (texts.config === null) throw new InputError('ENOCONFIG', `${configFile} does not exist, so no namespace holds "${packageName}".`);
  const current = parseConfig(withoutBom(texts.config), configFile);
  const declaring = namespacesDeclaring(current, packageName);
  const namespace = options.namespace ?? declaring[0];
  if (namespace === undefined || !declaring.includes(namespace)) {
    const where = options.namespace === undefined ? 'no namespace' : `namespace "${options.namespace}"`;
    throw new InputError('ENOTINNAMESPACE', `${where} in ${configFile} declares "${packageName}"${declaring.length > 0 ? `; it is in ${declaring.map((n) => `"${n}"`).join(', ')}` : ''}.`);
  }
  if (options.namespace === undefined && declaring.length > 1) {
    throw new InputError('EAMBIGUOUS', `namespaces ${declaring.map((n) => `"${n}"`).join(' and ')} in ${configFile} both declare "${packageName}"; name the one to move back.`);
  }
  const ns = current.namespaces[namespace] as NonNullable<(typeof current.namespaces)[string]>;
  const spec = ns.dependencies[packageName] as string;
  const { manifestFile, manifestText, manifest } = readManifest(texts);
  const fields = declaringFields(manifest, packageName);
  const conflicting = fields.find((f) => specIn(manifest, f, packageName) !== spec);
  if (conflicting !== undefined) {
    throw new InputError('ECONFLICTINGSPEC', `${manifestFile} already lists "${packageName}" as "${specIn(manifest, conflicting, packageName)}" in ${conflicting}, but namespace "${namespace}" has "${spec}". Decide on one spec, edit the files, then install.`);
  }
  const removesNamespace = Object.keys(ns.dependencies).length === 1;
  let configAfter = editJson(texts.config, removesNamespace ? ['namespaces', namespace] : ['namespaces', namespace, 'dependencies', packageName], undefined);
  if (removesNamespace && Object.keys(current.namespaces).length === 1) configAfter = editJson(configAfter, ['namespaces'], undefined);
  return {
    kind: 'move-back',
    packageName,
    spec,
    field: fields[0] ?? 'dependencies',
    namespace,
    removesNamespace,
    packageJson: { file: manifestFile, before: manifestText, after: fields.length > 0 ? manifestText : editJson(manifestText, ['dependencies', packageName], spec) },
    config: { file: configFile, before: texts.config, after: configAfter },
    result: parseConfig(withoutBom(configAfter), configFile),
  };
}

/** `react` at `^17.0.2` → `react-17`; `@scope/pkg` → `scope-pkg`: a readable, valid folder name. */
export function defaultNamespace(packageName: string, spec: string): string {
  const base = packageName.replace(/^@/, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/\.\.+/g, '.');
  const major = /^[\^~=v]?(\d+)(?:\.|$)/.exec(spec.trim())?.[1];
  return (major === undefined ? base : `${base}-${major}`).slice(0, 64);
}

/** Names of the namespaces that declare `name` (own keys only: `constructor` is a valid package name). */
function namespacesDeclaring(config: ProjectConfig | null, name: string): string[] {
  return Object.entries(config?.namespaces ?? {})
    .filter(([, ns]) => Object.hasOwn(ns.dependencies, name))
    .map(([n]) => n);
}

function readManifest(texts: ProjectTexts): { manifestFile: string; manifestText: string; manifest: Record<string, unknown> } {
  const manifestFile = path.join(texts.projectDir, 'package.json');
  if (texts.packageJson === null) throw new InputError('ENOPACKAGEJSON', `${manifestFile} does not exist; run multiverse in the folder of your app's package.json.`);
  const parsed = parseJsonFile(texts.packageJson, manifestFile);
  if (!isRecord(parsed)) throw new InputError('EJSONPARSE', `${manifestFile} is not a JSON object. Fix the file; nothing was changed.`);
  return { manifestFile, manifestText: texts.packageJson, manifest: parsed };
}

/** The dependency fields of package.json that list `name`, in {@link FIELDS} order. */
function declaringFields(manifest: Record<string, unknown>, name: string): DependencyField[] {
  return FIELDS.filter((f) => {
    const deps = manifest[f];
    return isRecord(deps) && Object.hasOwn(deps, name) && typeof deps[name] === 'string';
  });
}

function specIn(manifest: Record<string, unknown>, field: DependencyField, name: string): string {
  return (manifest[field] as Record<string, string>)[name] as string;
}

function withoutBom(text: string): string {
  return text.replace(/^\uFEFF/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
