/** A namespace declared in multiverse.json: its own installed tree under `.multiverse/<name>/`. */
export interface NamespaceConfig {
  /** Dependencies of the namespace's tree, as in a package.json (`name → spec`). */
  dependencies: Record<string, string>;
  /** Packages the namespace takes from the app's own tree instead of its own (singletons). */
  shared: string[];
  /** Globs (relative to the project root) of app files whose imports this namespace serves. */
  scope: string[];
}

/** An isolated extension declared in multiverse.json: a worker or process with its own tree. */
export interface ExtensionConfig {
  /** Folder of the extension, relative to the project root (validated to stay inside it). */
  path: string;
  isolation: 'worker' | 'process';
  dependencies: Record<string, string>;
}

/** A validated multiverse.json. */
export interface ProjectConfig {
  /** Absolute path of the multiverse.json this came from. */
  file: string;
  namespaces: Record<string, NamespaceConfig>;
  extensions: Record<string, ExtensionConfig>;
  /**
   * Singleton packages (react, graphql, ...) the project knowingly has more than one copy of in a
   * tree, because the copies never meet: `check` reports them as warnings, not errors.
   */
  allowDuplicates: string[];
}

/** One thing wrong with a config file, located in it (1-based line and column). */
export interface ConfigProblem {
  message: string;
  line: number;
  column: number;
  /** JSON path of the offending value, e.g. `namespaces.legacy.dependencies.react`. */
  path: string;
}
