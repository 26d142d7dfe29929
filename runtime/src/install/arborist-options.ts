import type Arborist from '@npmcli/arborist';
import type { NpmConfig } from './npm-config';

/**
 * What every arborist run of Multiverse is given: the user's npm configuration (registry, auth,
 * proxy, cache, peer-dependency and script settings), without npm's progress bar or its audit
 * (a network round trip per tree; `npm audit` in the tree's folder still works), plus what the
 * caller sets. The one place npm's configuration becomes arborist options, so
 * namespace trees, extension trees and the app's own tree install under the same rules.
 */
export function arboristOptions(npmConfig: NpmConfig, options: Arborist.Options & { path: string }): Arborist.Options {
  return { ...npmConfig.options, audit: false, progress: false, ...options };
}
