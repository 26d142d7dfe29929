import type Arborist from '@npmcli/arborist';
import type { ProgressListener } from './progress';

/** arborist's tracker methods (public in its source, missing from the published types). */
interface Trackers {
  addTracker(section: string, subsection?: string | null, key?: string | null): void;
  finishTracker(section: string, subsection?: string | null, key?: string | null): void;
}

/**
 * Runs arborist's resolve and reify in `dir`, reporting per-package progress to `onProgress`.
 * arborist announces progress on the process-wide 'progress' event, which cannot tell trees
 * installing in parallel apart, so this wraps the instance's own tracker methods instead.
 */
export async function reifyWithProgress(options: Arborist.Options, onProgress: ProgressListener | undefined): Promise<Arborist.Node> {
  // Loaded on first use: requiring arborist takes ~180 ms, which every CLI command would pay otherwise.
  const { default: ArboristClass } = await import('@npmcli/arborist');
  const arb = new ArboristClass(options) as Arborist & Trackers;
  let total = 0;
  let done = 0;
  const finish = arb.finishTracker.bind(arb);
  arb.finishTracker = (section, subsection, key) => {
    finish(section, subsection, key);
    if (section === 'reify' && subsection) {
      done += 1;
      onProgress?.({ phase: 'installing', done: Math.min(done, total), total });
    }
  };
  onProgress?.({ phase: 'resolving', done: 0, total: 0 });
  const ideal = await arb.buildIdealTree();
  total = [...ideal.inventory.values()].filter((node) => !node.isRoot && !node.isLink).length;
  onProgress?.({ phase: 'installing', done: 0, total });
  // reify() reuses the ideal tree built above instead of resolving again.
  return arb.reify({ save: true });
}
