#!/usr/bin/env node
'use strict';
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((error) => {
    process.stderr.write(`multiverse: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 3;
  });
