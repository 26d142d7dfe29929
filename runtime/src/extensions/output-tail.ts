import type { Readable } from 'node:stream';

const MAX_TAIL_CHARS = 4096;
const MAX_TAIL_LINES = 20;

/**
 * Drains one output stream of an extension (it must be read, or the extension blocks on a full
 * pipe), hands each line to `onLine` and keeps the last lines for error messages.
 */
export class OutputTail {
  private text = '';
  private partial = '';
  readonly ended: Promise<void>;

  constructor(stream: Readable | null | undefined, onLine: (line: string) => void) {
    if (stream === null || stream === undefined) {
      this.ended = Promise.resolve();
      return;
    }
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text = (this.text + chunk).slice(-MAX_TAIL_CHARS);
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    this.ended = new Promise((resolve) => {
      stream.once('end', () => {
        if (this.partial !== '') onLine(this.partial);
        this.partial = '';
        resolve();
      });
      stream.once('error', () => resolve());
    });
  }

  /** The last lines written, at most a few kilobytes. */
  tail(): string {
    return this.text.split('\n').slice(-MAX_TAIL_LINES - 1).join('\n');
  }
}
