'use strict';
const path = require('node:path');
// The app imports both plugins by name. Once legacy-widget lives in a namespace, these bare
// requires need Multiverse's routing: start the app with `multiverse run app.js`.
const modern = require('modern-widget');
const legacy = require('legacy-widget');

for (const [name, plugin] of [['modern-widget', modern], ['legacy-widget', legacy]]) {
  const out = plugin.render(`Hello from ${name}`);
  // require.resolve answers with the copy routing picked: the app's tree or the namespace's.
  const from = path.relative(__dirname, path.dirname(require.resolve(name)));
  console.log(`${name.padEnd(13)} from ${from}: react ${out.react}, react-dom ${out.reactDom}: ${out.html}`);
}
