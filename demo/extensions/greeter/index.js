'use strict';
// An isolated extension: it runs in its own worker with its own dependency tree (empty here), and
// the CLI (`multiverse ext call greeter greet '"you"'`), the editor's "Run Isolated Extension…" and
// an ExtensionManager in the app all call its methods over RPC. `multiverse` needs no declaring:
// the runtime provides itself to every extension.
const { isMainThread } = require('node:worker_threads');
const { ExtensionBase } = require('multiverse');

module.exports = class Greeter extends ExtensionBase {
  greet(name) {
    return `Hello, ${name}, from the ${this.extensionName} extension (${isMainThread ? `process ${process.pid}` : 'a worker thread'})`;
  }
};
