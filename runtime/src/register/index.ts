// `node -r multiverse/register app.js` or `node --import multiverse/register app.mjs`: routes the
// app's imports to the namespaces of the project around the current directory.
import { loadProject } from '../project';
import { installRouting } from './install';
import { findProjectDir } from './project-dir';

installRouting(loadProject(findProjectDir(process.cwd(), process.env)));
