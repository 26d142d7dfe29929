import type { ConflictsResult, NodeInfo } from './protocol';

/**
 * Which Node each workspace folder's answers follow, and where that came from, for the status bar
 * tooltip: "Node 24.22.3, from node on the PATH (/usr/bin/node)", plus the project's version hints it
 * does not meet and the settings that could not be used.
 */
export function nodeSummary(result: ConflictsResult, folderName: (uri: string) => string): string[] {
  const many = result.folders.length > 1;
  return result.folders.flatMap(({ folder, node }) => describe(node, many ? `${folderName(folder)}: ` : ''));
}

function describe(node: NodeInfo, prefix: string): string[] {
  const lines = [`${prefix}Node ${node.version}, from ${node.source}`];
  for (const hint of node.hints) {
    if (hint.satisfied === false) lines.push(`${prefix}${hint.source} asks for ${hint.value}`);
  }
  for (const problem of node.problems ?? []) lines.push(`${prefix}Not used: ${problem}`);
  return lines;
}
