// The main job, as the README's quick start runs it.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['runtime/bin/multiverse.js', '--help'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
