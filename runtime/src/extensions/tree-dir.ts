import * as path from 'node:path';

/** Where an extension's own dependency tree is installed. The leading dot keeps these apart from namespace trees. */
export function extensionTreeDir(root: string, name: string): string {
  return path.join(root, '.multiverse', '.extensions', name);
}
