import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * Finds JSON properties in a document's current text, so diagnostics land on the exact entry even
 * while the buffer has unsaved edits that moved it. Trees are cached per document version.
 */
export class JsonLocator {
  private readonly trees = new WeakMap<TextDocument, { version: number; root: Node | undefined }>();

  private root(document: TextDocument): Node | undefined {
    const cached = this.trees.get(document);
    if (cached && cached.version === document.version) return cached.root;
    const root = parseTree(document.getText(), [], { allowTrailingComma: true });
    this.trees.set(document, { version: document.version, root });
    return root;
  }

  /**
   * The range of the property at `jsonPath` (key and value), or of its closest existing ancestor, so
   * a finding about an entry that was just deleted still shows near where it was. `undefined` only
   * when the document is not JSON at all.
   */
  rangeOf(document: TextDocument, jsonPath: readonly string[]): Range | undefined {
    const root = this.root(document);
    if (!root) return undefined;
    for (let depth = jsonPath.length; depth > 0; depth--) {
      const segments = jsonPath.slice(0, depth).map((s, i) => (isArrayIndex(root, jsonPath.slice(0, i), s) ? Number(s) : s));
      const value = findNodeAtLocation(root, segments);
      if (!value) continue;
      const target = value.parent?.type === 'property' ? value.parent : value;
      return { start: document.positionAt(target.offset), end: document.positionAt(target.offset + target.length) };
    }
    return { start: document.positionAt(root.offset), end: document.positionAt(root.offset + 1) };
  }

  /** The string value at `jsonPath`, when there is one. */
  stringAt(document: TextDocument, jsonPath: readonly string[]): string | undefined {
    const root = this.root(document);
    const value = root ? findNodeAtLocation(root, [...jsonPath]) : undefined;
    return typeof value?.value === 'string' ? value.value : undefined;
  }

  /** The JSON path of the property whose key or value contains `offset` (deepest first). */
  pathAt(document: TextDocument, offset: number): string[] | undefined {
    const root = this.root(document);
    if (!root) return undefined;
    let node: Node | undefined = root;
    const result: string[] = [];
    while (node) {
      const child: Node | undefined = node.children?.find((c) => offset >= c.offset && offset <= c.offset + c.length);
      if (!child) break;
      if (child.type === 'property') {
        const key = child.children?.[0]?.value;
        if (typeof key !== 'string') break;
        result.push(key);
        node = child.children?.[1];
      } else if (node.type === 'array') {
        result.push(String(node.children?.indexOf(child) ?? 0));
        node = child;
      } else break;
    }
    return result.length > 0 ? result : undefined;
  }
}

function isArrayIndex(root: Node, parentPath: string[], segment: string): boolean {
  if (!/^\d+$/.test(segment)) return false;
  return findNodeAtLocation(root, parentPath.map((s) => (/^\d+$/.test(s) ? Number(s) : s)))?.type === 'array';
}
