import { setMaxListeners } from 'node:events';
import type Arborist from '@npmcli/arborist';
import type { ProgressEvent, ProgressListener } from './progress';

/** arborist's tracker methods (public in its source, missing from the published types). */
interface Trackers {
  addTracker(section: string, subsection?: string | null, key?: string | null): void;
  finishTracker(section: string, subsection?: string | null, key?: string | null): void;
}

/** Where a reify stood when it stopped: what a cancellation message names. */
export type ReifyStep = 'starting' | 'resolving' | 'fetching and extracting packages';

/**
 * Runs arborist's resolve and reify in `dir`, reporting per-package progress to `onProgress`.
 * arborist announces progress on the process-wide 'progress' event, which cannot tell trees
 * installing in parallel apart, so this wraps the instance's own tracker methods instead.
 *
 * Cancellation: arborist has no abort option of its own, but it hands its options to pacote and
 * npm-registry-fetch, whose fetches honour `signal`. Aborting `signal` therefore fails every
 * packument and tarball request at once, the ones in flight included (a tarball streams straight
 * into its package folder, so this stops extraction too), and arborist unwinds through its own
 * rollback, waiting for every package it started: nothing writes into the folder after this
 * rejects. The trackers are not used to stop it: they are called synchronously in the middle of
 * arborist's loops, and a throw there would orphan the promises of packages already started.
 * `step()` says which phase was running, for the caller's message.
 */
export function reifyWithProgress(options: Arborist.Options, onProgress: ProgressListener | undefined, signal?: AbortSignal): { done: Promise<Arborist.Node>; step(): ReifyStep } {
  let step: ReifyStep = 'starting';
  const report = (event: ProgressEvent): void => {
    step = event.phase === 'resolving' ? 'resolving' : 'fetching and extracting packages';
    onProgress?.(event);
  };
  return { done: reify(options, report, signal), step: () => step };
}

async function reify(options: Arborist.Options, report: ProgressListener, signal: AbortSignal | undefined): Promise<Arborist.Node> {
  signal?.throwIfAborted();
  // Loaded on first use: requiring arborist takes ~180 ms, which every CLI command would pay otherwise.
  const { default: ArboristClass } = await import('@npmcli/arborist');
  const fetches = fetchSignal(signal);
  try {
    const arb = new ArboristClass({ ...options, ...(fetches && { signal: fetches.signal }) } as Arborist.Options) as Arborist & Trackers;
    let total = 0;
    let done = 0;
    const finish = arb.finishTracker.bind(arb);
    arb.finishTracker = (section, subsection, key) => {
      finish(section, subsection, key);
      if (section === 'reify' && subsection) {
        done += 1;
        report({ phase: 'installing', done: Math.min(done, total), total });
      }
    };
    report({ phase: 'resolving', done: 0, total: 0 });
    const ideal = await arb.buildIdealTree();
    signal?.throwIfAborted();
    total = [...ideal.inventory.values()].filter((node) => !node.isRoot && !node.isLink).length;
    report({ phase: 'installing', done: 0, total });
    // reify() reuses the ideal tree built above instead of resolving again.
    return await arb.reify({ save: true });
  } finally {
    fetches?.dispose();
  }
}

/**
 * A signal for arborist's fetches that follows `signal`. Its own, because every concurrent fetch
 * listens to it (dozens at once, which would trip Node's listener-leak warning on the caller's
 * signal), and because its listener on the caller's signal must go when the install ends.
 */
function fetchSignal(signal: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } | undefined {
  if (signal === undefined) return undefined;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  return { signal: controller.signal, dispose: () => signal.removeEventListener('abort', forward) };
}
