import * as path from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import picomatch from 'picomatch';
import { nameProblem } from '../names';
import { dependencyProblem, describe, packageNameProblem } from './dependency-spec';
import { positionAt } from './text-position';
import type { ConfigProblem, ExtensionConfig, NamespaceConfig, ProjectConfig } from './types';

/** Collects problems located in the source text, so every message can point at a line and column. */
class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(private readonly text: string) {}

  at(node: Node | number, jsonPath: string[], message: string): void {
    const offset = typeof node === 'number' ? node : node.offset;
    this.list.push({ message, path: jsonPath.join('.'), ...positionAt(this.text, offset) });
  }
}

/**
 * Parses and validates the text of a multiverse.json. Returns the config only when there are no
 * problems; otherwise every problem found, each with its position and what to change.
 * Comments and trailing commas are accepted, as in VS Code's own JSON settings files.
 */
export function validateConfigText(text: string, file: string): { config: ProjectConfig | null; problems: ConfigProblem[] } {
  const problems = new Problems(text);
  if (text.trim() === '') {
    problems.at(0, [], 'the file is empty; write an object such as { "namespaces": {} }');
    return { config: null, problems: problems.list };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const error of errors) {
    problems.at(error.offset, [], `JSON syntax error: ${describeParseError(printParseErrorCode(error.error))}. Fix the JSON syntax at this position`);
  }
  if (errors.length > 0 || root === undefined) {
    return { config: null, problems: problems.list };
  }
  if (root.type !== 'object') {
    problems.at(root, [], `the top level must be an object with "namespaces" and/or "extensions", got ${root.type}`);
    return { config: null, problems: problems.list };
  }
  const config: ProjectConfig = { file, namespaces: {}, extensions: {}, allowDuplicates: [] };
  for (const [key, value, keyNode] of properties(root, problems, [])) {
    if (key === 'namespaces') config.namespaces = readMap(value, ['namespaces'], problems, 'namespace', readNamespace);
    else if (key === 'extensions') config.extensions = readMap(value, ['extensions'], problems, 'extension', readExtension);
    else if (key === 'allowDuplicates') config.allowDuplicates = readStrings(value, [key], problems, allowedDuplicateProblem);
    else if (key !== '$schema') problems.at(keyNode, [key], unknownKey(key, ['namespaces', 'extensions', 'allowDuplicates', '$schema'], 'the top level'));
  }
  checkAmbiguity(root, config, problems);
  return problems.list.length === 0 ? { config, problems: [] } : { config: null, problems: problems.list };
}

type Reader<T> = (node: Node, jsonPath: string[], problems: Problems) => T | undefined;

function readMap<T>(node: Node, jsonPath: string[], problems: Problems, kind: 'namespace' | 'extension', read: Reader<T>): Record<string, T> {
  const result: Record<string, T> = {};
  if (node.type !== 'object') {
    problems.at(node, jsonPath, `"${jsonPath.join('.')}" must be an object mapping ${kind} names to their settings, got ${node.type}`);
    return result;
  }
  for (const [name, value, keyNode] of properties(node, problems, jsonPath)) {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      problems.at(keyNode, [...jsonPath, name], `${kind} name ${JSON.stringify(name)} ${problem}; rename it (it becomes a folder name under .multiverse/)`);
      continue;
    }
    const item = read(value, [...jsonPath, name], problems);
    if (item !== undefined) result[name] = item;
  }
  return result;
}

function readNamespace(node: Node, jsonPath: string[], problems: Problems): NamespaceConfig | undefined {
  if (node.type !== 'object') {
    problems.at(node, jsonPath, `namespace "${jsonPath.at(-1)}" must be an object like { "dependencies": { "react": "^17.0.2" } }, got ${node.type}`);
    return undefined;
  }
  const ns: NamespaceConfig = { dependencies: {}, shared: [], scope: [] };
  let sawDependencies = false;
  for (const [key, value, keyNode] of properties(node, problems, jsonPath)) {
    const here = [...jsonPath, key];
    if (key === 'dependencies') {
      sawDependencies = true;
      ns.dependencies = readDependencies(value, here, problems);
      if (value.type === 'object' && Object.keys(ns.dependencies).length === 0 && (value.children ?? []).length === 0) {
        problems.at(value, here, `namespace "${jsonPath.at(-1)}" declares no dependencies; add at least one or remove the namespace`);
      }
    } else if (key === 'shared') ns.shared = readStrings(value, here, problems, sharedProblem);
    else if (key === 'scope') ns.scope = readStrings(value, here, problems, globProblem);
    else problems.at(keyNode, here, unknownKey(key, ['dependencies', 'shared', 'scope'], `namespace "${jsonPath.at(-1)}"`));
  }
  if (!sawDependencies) problems.at(node, jsonPath, `namespace "${jsonPath.at(-1)}" has no "dependencies"; add { "dependencies": { "<package>": "<version>" } }`);
  for (const name of ns.shared) {
    if (name in ns.dependencies) {
      problems.at(node, [...jsonPath, 'shared'], `"${name}" is both a dependency of namespace "${jsonPath.at(-1)}" and in its "shared" list; keep it in one of them (shared packages come from the app's own tree)`);
    }
  }
  return ns;
}

function readExtension(node: Node, jsonPath: string[], problems: Problems): ExtensionConfig | undefined {
  const name = jsonPath.at(-1) ?? '';
  if (node.type !== 'object') {
    problems.at(node, jsonPath, `extension "${name}" must be an object like { "path": "extensions/${name}" }, got ${node.type}`);
    return undefined;
  }
  const ext: ExtensionConfig = { path: '', isolation: 'worker', dependencies: {} };
  let sawPath = false;
  for (const [key, value, keyNode] of properties(node, problems, jsonPath)) {
    const here = [...jsonPath, key];
    if (key === 'path') {
      sawPath = true;
      const problem = extensionPathProblem(value.value);
      if (problem === undefined) ext.path = value.value as string;
      else problems.at(value, here, `extension "${name}": "path" ${problem}`);
    } else if (key === 'isolation') {
      if (value.value === 'worker' || value.value === 'process') ext.isolation = value.value;
      else problems.at(value, here, `extension "${name}": "isolation" must be "worker" or "process", got ${describe(value.value)}`);
    } else if (key === 'dependencies') ext.dependencies = readDependencies(value, here, problems);
    else problems.at(keyNode, here, unknownKey(key, ['path', 'isolation', 'dependencies'], `extension "${name}"`));
  }
  if (!sawPath) problems.at(node, jsonPath, `extension "${name}" has no "path"; add "path": "<folder of the extension, relative to the project>"`);
  return ext;
}

function readDependencies(node: Node, jsonPath: string[], problems: Problems): Record<string, string> {
  const deps: Record<string, string> = {};
  if (node.type !== 'object') {
    problems.at(node, jsonPath, `"dependencies" must be an object like { "react": "^17.0.2" }, got ${node.type}`);
    return deps;
  }
  for (const [name, value, keyNode] of properties(node, problems, jsonPath)) {
    const nameIssue = packageNameProblem(name);
    const specIssue = nameIssue === undefined ? dependencyProblem(name, value.value) : undefined;
    if (nameIssue !== undefined) problems.at(keyNode, [...jsonPath, name], `dependency ${nameIssue}`);
    else if (specIssue !== undefined) problems.at(value, [...jsonPath, name], specIssue);
    else deps[name] = value.value as string;
  }
  return deps;
}

function readStrings(node: Node, jsonPath: string[], problems: Problems, check: (value: unknown) => string | undefined): string[] {
  const field = jsonPath.at(-1);
  if (node.type !== 'array') {
    problems.at(node, jsonPath, `"${field}" must be an array of strings, got ${node.type}`);
    return [];
  }
  const result: string[] = [];
  (node.children ?? []).forEach((item, index) => {
    const problem = check(item.value);
    if (problem === undefined) result.push(item.value as string);
    else problems.at(item, [...jsonPath, String(index)], `"${field}" entry ${index + 1} ${problem}`);
  });
  return result;
}

function sharedProblem(value: unknown): string | undefined {
  const problem = packageNameProblem(value);
  return problem === undefined ? undefined : `${problem}; "shared" lists names of packages the app itself depends on`;
}

function allowedDuplicateProblem(value: unknown): string | undefined {
  const problem = packageNameProblem(value);
  return problem === undefined ? undefined : `${problem}; "allowDuplicates" lists names of singleton packages`;
}

/** Scope globs are matched against project-relative paths with forward slashes, so they must be written that way. */
function globProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `must be a non-empty glob string like "src/legacy/**", got ${describe(value)}`;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return `"${value}" is absolute; write it relative to the project root, like "src/legacy/**"`;
  if (value.includes('\\')) return `"${value}" uses backslashes; write globs with forward slashes, like "src/legacy/**"`;
  if (value.split('/').includes('..')) return `"${value}" leaves the project root; scope globs match files inside the project`;
  if (value.startsWith('./')) return `"${value}" starts with "./"; drop it ("${value.slice(2)}"), globs are already relative to the project root`;
  try {
    picomatch.makeRe(value);
  } catch (error) {
    return `"${value}" is not a valid glob: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

function extensionPathProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `must be a non-empty string (the extension's folder, relative to the project), got ${describe(value)}`;
  if (path.isAbsolute(value) || path.win32.isAbsolute(value)) return `"${value}" is absolute; use a folder relative to the project root`;
  const normal = path.posix.normalize(value.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../')) return `"${value}" leaves the project root; use a folder inside the project`;
  return undefined;
}

/**
 * Routing sends an app import of P to the namespace that declares P; when several do, their scope
 * globs must decide. One of them may go without a scope (it serves the files no other scope
 * matches); two without a scope, or two with the very same glob, can never be told apart.
 */
function checkAmbiguity(root: Node, config: ProjectConfig, problems: Problems): void {
  const declarers = new Map<string, string[]>();
  for (const [ns, settings] of Object.entries(config.namespaces)) {
    for (const pkg of Object.keys(settings.dependencies)) declarers.set(pkg, [...(declarers.get(pkg) ?? []), ns]);
  }
  for (const [pkg, namespaces] of declarers) {
    if (namespaces.length < 2) continue;
    const unscoped = namespaces.filter((ns) => config.namespaces[ns]?.scope.length === 0);
    const globOwners = new Map<string, string>();
    let clash: string | undefined;
    for (const ns of namespaces) {
      for (const glob of config.namespaces[ns]?.scope ?? []) {
        const owner = globOwners.get(glob);
        if (owner !== undefined && owner !== ns) clash = `namespaces "${owner}" and "${ns}" both have the scope "${glob}"`;
        globOwners.set(glob, ns);
      }
    }
    const reason = unscoped.length > 1 ? `namespaces ${listNames(unscoped)} ${unscoped.length === 2 ? 'both' : 'all'} declare it without a "scope"` : clash;
    if (reason === undefined) continue;
    const last = namespaces[namespaces.length - 1] ?? '';
    const jsonPath = ['namespaces', last, 'dependencies', pkg];
    const node = findKey(root, jsonPath) ?? root;
    problems.at(node, jsonPath, `"${pkg}" is ambiguous: ${reason}, so an import of "${pkg}" from app code could go to either. Give all but one of them a distinct "scope" (globs of the app files each serves)`);
  }
}

/** The properties of an object node as [key, value, key node]; reports keys that appear twice. */
function properties(node: Node, problems: Problems, jsonPath: string[]): [string, Node, Node][] {
  const seen = new Set<string>();
  const result: [string, Node, Node][] = [];
  for (const property of node.children ?? []) {
    const [keyNode, value] = property.children ?? [];
    if (!keyNode || !value) continue;
    const key = String(keyNode.value);
    if (seen.has(key)) problems.at(keyNode, [...jsonPath, key], `"${key}" appears twice; JSON keeps only the last one, so remove or merge the other`);
    seen.add(key);
    result.push([key, value, keyNode]);
  }
  return result;
}

function findKey(root: Node, jsonPath: string[]): Node | undefined {
  let node: Node | undefined = root;
  let keyNode: Node | undefined;
  for (const segment of jsonPath) {
    const property: Node | undefined = node?.children?.find((p) => p.children?.[0]?.value === segment);
    keyNode = property?.children?.[0];
    node = property?.children?.[1];
  }
  return keyNode;
}

function listNames(names: string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

function unknownKey(key: string, known: string[], where: string): string {
  const guess = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = guess ? `did you mean "${guess}"?` : `allowed: ${known.map((k) => `"${k}"`).join(', ')}`;
  return `unknown key "${key}" in ${where}; ${hint}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
