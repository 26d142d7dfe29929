// Runs the demo app's two plugins in one process without routing: modern-widget through the app's
// own require, legacy-widget through the namespace that .multiverse/map.json lists for it, loaded
// with createNamespace when the runtime has it, else straight from the namespace's tree (Node
// resolves from a file's real path, so its require('react') still finds the namespace's React 17).
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

const app = path.resolve(process.argv[2] ?? '.');
const runtime = require(path.join(__dirname, '..', 'runtime'));
const map = JSON.parse(fs.readFileSync(path.join(app, '.multiverse', 'map.json'), 'utf8'));
const appRequire = createRequire(path.join(app, 'app.js'));

function load(pkg) {
  const entry = Object.entries(map.namespaces).find(([, ns]) => pkg in ns.packages);
  if (!entry) return { where: "app's tree", plugin: appRequire(pkg) };
  const [name, ns] = entry;
  const root = path.join(app, ns.root);
  if (typeof runtime.createNamespace === 'function') {
    const namespace = runtime.createNamespace({ name, root, shared: ns.shared, host: app });
    return { where: `namespace "${name}" (createNamespace)`, plugin: namespace.require(pkg) };
  }
  return { where: `namespace "${name}" (${ns.root}/node_modules)`, plugin: createRequire(path.join(root, 'package.json'))(pkg) };
}

for (const pkg of ['modern-widget', 'legacy-widget']) {
  const { where, plugin } = load(pkg);
  const out = plugin.render(`Hello from ${pkg}`);
  console.log(`${pkg.padEnd(13)} from ${where}: react ${out.react}, react-dom ${out.reactDom}`);
  console.log(`${''.padEnd(13)} ${out.html}`);
}
