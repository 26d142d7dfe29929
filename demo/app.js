'use strict';
// The app imports both plugins by name. Once legacy-widget lives in a namespace, these bare
// requires need Multiverse's routing: start the app with `multiverse run app.js`.
const modern = require('modern-widget');
const legacy = require('legacy-widget');

for (const [name, plugin] of [['modern-widget', modern], ['legacy-widget', legacy]]) {
  const out = plugin.render(`Hello from ${name}`);
  console.log(`${name.padEnd(13)} react ${out.react}, react-dom ${out.reactDom}: ${out.html}`);
}
