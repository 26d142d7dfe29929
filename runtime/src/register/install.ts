import { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importsOnly, registerInThreadHooks } from '../loader-hooks';
import { claimNamespaceDirectory } from '../namespace';
import { nodeFeatures } from '../node-features';
import type { Project } from '../project';
import { routeImport, type RoutingData } from './import-hooks';
import { routeRequires } from './require-routing';

/**
 * Routes the app's imports to the namespaces of `project` (see runtime/README.md): `require` in this
 * thread; ES imports through one resolve hook, registered only when the project has namespaces:
 * in-thread where Node has synchronous hooks, else on Node 20's hooks thread, which moves all ESM
 * resolution of the process off-thread. Each namespace claims its directory first, so CommonJS
 * that its ES modules reach lands in its registry.
 */
export function installRouting(project: Project): void {
  if (project.namespaces.length === 0) return;
  routeRequires(project);
  const directories: RoutingData['directories'] = {};
  for (const name of project.namespaces) {
    const namespace = project.namespace(name);
    directories[name] = { root: namespace.root, dir: claimNamespaceDirectory(namespace) };
  }
  if (nodeFeatures().syncHooks) {
    registerInThreadHooks({ resolve: importsOnly((specifier, context, next) => routeImport(project, directories, specifier, context, next)) });
    return;
  }
  const data: RoutingData = { projectDir: project.dir, directories };
  register(pathToFileURL(path.join(__dirname, 'import-hooks.js')).href, { data });
}

