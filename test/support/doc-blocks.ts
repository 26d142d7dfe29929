/** Languages of the code blocks the doc test runs, by the fence's info string. */
const LANGUAGES: Record<string, DocBlock['language']> = { sh: 'sh', bash: 'sh', shell: 'sh', js: 'js', javascript: 'js', mjs: 'js', cjs: 'js', ts: 'ts', typescript: 'ts' };

/**
 * A runnable code block of a Markdown document, with what the HTML comment on the line right
 * before its fence says about it:
 *   `<!-- doc-test: fragment: <reason> -->`  the block is not run (the reason is required)
 *   `<!-- doc-test: file <path> -->`         the block is written to <path> in the project
 * Without a comment the block runs.
 */
export interface DocBlock {
  /** `README.md:42`: where the opening fence is. */
  where: string;
  language: 'sh' | 'js' | 'ts';
  code: string;
  mode: { kind: 'run' } | { kind: 'fragment'; reason: string } | { kind: 'file'; path: string };
}

const MARKER = /^<!--\s*doc-test:\s*(.*?)\s*-->$/;

/** Every `sh`/`js`/`ts` block of `text` (named `name` in messages). Throws on a malformed marker. */
export function docBlocks(name: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !(lines[i] as string).trimStart().startsWith(fence); i++) body.push((lines[i] as string).slice(indent.length));
    const language = LANGUAGES[info.toLowerCase()];
    const where = `${name}:${start + 1}`;
    const marker = MARKER.exec((lines[start - 1] ?? '').trim());
    if (!language) {
      if (marker) throw new Error(`${where}: a doc-test marker sits before a ${info || 'plain'} block, which the doc test never runs`);
      continue;
    }
    blocks.push({ where, language, code: `${body.join('\n')}\n`, mode: marker ? parseMarker(where, marker[1] as string) : { kind: 'run' } });
  }
  return blocks;
}

function parseMarker(where: string, text: string): DocBlock['mode'] {
  const fragment = /^fragment:\s*(\S.*)$/.exec(text);
  if (fragment) return { kind: 'fragment', reason: fragment[1] as string };
  const file = /^file\s+(\S+)$/.exec(text);
  if (file && !(file[1] as string).startsWith('/') && !(file[1] as string).split('/').includes('..')) return { kind: 'file', path: file[1] as string };
  throw new Error(`${where}: unknown doc-test marker "${text}": use "fragment: <reason>" or "file <relative path>"`);
}
