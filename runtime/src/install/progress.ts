/** One step of installing a tree, reported to `onProgress`. */
export interface ProgressEvent {
  phase: 'resolving' | 'installing' | 'linking' | 'done' | 'up-to-date' | 'failed';
  /** Packages reified so far (installing) and in the whole tree. */
  done: number;
  total: number;
  message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

interface Row {
  label: string;
  event?: ProgressEvent;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 80;

/**
 * Shows progress of several trees installing at once. On a TTY it redraws one bar per tree in
 * place; elsewhere (CI logs, pipes) it prints a plain line whenever a tree changes phase, so logs
 * stay readable and short.
 */
export class ProgressDisplay {
  private readonly rows: Row[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  /** A listener for the tree labelled `label` (a namespace name). */
  listener(label: string): ProgressListener {
    const row: Row = { label };
    this.rows.push(row);
    return (event) => {
      const phaseChanged = event.phase !== row.event?.phase;
      row.event = event;
      if (!this.stream.isTTY) {
        // 'up-to-date' is left to the command's summary: in a log one line per namespace is enough.
        if ((phaseChanged || event.phase === 'done' || event.phase === 'failed') && event.phase !== 'up-to-date') this.stream.write(`${plainLine(label, event)}\n`);
      } else if (phaseChanged || event.phase === 'done' || event.phase === 'failed' || event.phase === 'up-to-date') this.draw();
      else this.timer ??= setTimeout(() => this.draw(), REDRAW_MS);
    };
  }

  /** Draws the final state; call once all trees are finished. */
  finish(): void {
    if (this.stream.isTTY) this.draw();
  }

  private draw(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const width = Math.max(...this.rows.map((r) => r.label.length));
    const lines = this.rows.map((r) => {
      const event = r.event ?? { phase: 'resolving', done: 0, total: 0 };
      return `${r.label.padEnd(width)}  ${bar(event)}  ${describe(event)}`;
    });
    // Move back to the first row drawn last time and overwrite every row.
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const line of lines) out += `\x1b[2K${line}\n`;
    this.stream.write(out);
    this.drawn = lines.length;
  }
}

function bar(event: ProgressEvent): string {
  // Linking comes after every package is in place, so its bar is full too.
  const complete = event.phase === 'done' || event.phase === 'up-to-date' || event.phase === 'linking';
  const ratio = complete ? 1 : event.total > 0 ? Math.min(1, event.done / event.total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

function describe(event: ProgressEvent): string {
  switch (event.phase) {
    case 'resolving':
      return 'resolving';
    case 'installing':
      return `installing ${event.done}/${event.total}`;
    case 'linking':
      return 'sharing files through the store';
    case 'failed':
      return 'failed';
    default:
      return event.message ?? event.phase;
  }
}

function plainLine(label: string, event: ProgressEvent): string {
  if (event.phase === 'installing') return `${label}: installing ${event.total} packages`;
  return `${label}: ${describe(event)}`;
}
