import * as path from 'node:path';
import { ConfigError } from './config-error';
import type { ProjectConfig } from './types';
import { validateConfigText } from './validate';
import { readTextIfExists } from '../read-optional';

export { ConfigError } from './config-error';
export { dependencyProblem, packageNameProblem } from './dependency-spec';
export { namespaceFor } from './route';
export type { ConfigProblem, ExtensionConfig, NamespaceConfig, ProjectConfig } from './types';

/** The config file's name at the project root. */
export const CONFIG_FILE = 'multiverse.json';

/** Parses and validates the text of a multiverse.json; throws a {@link ConfigError} listing every problem. */
export function parseConfig(text: string, file: string): ProjectConfig {
  const { config, problems } = validateConfigText(text, path.resolve(file));
  if (config === null) throw new ConfigError(path.resolve(file), problems);
  return config;
}

/** Reads `<projectDir>/multiverse.json`; `null` when the project has none. */
export async function readConfig(projectDir: string): Promise<ProjectConfig | null> {
  const file = path.join(path.resolve(projectDir), CONFIG_FILE);
  const text = await readTextIfExists(file);
  if (text === null) return null;
  // Editors on Windows may save a byte-order mark; it is not part of the JSON and no editor counts it as a column.
  return parseConfig(text.replace(/^\uFEFF/, ''), file);
}
