// The built library's internal modules, for the diagnostics in this folder: each replaces
// one function from a `--require`, so `npm run bench:ab` can measure what that part costs
// (BENCHMARKS.md, "Last run"). Not for apps: these are not the package's public API.
'use strict';
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'libs', 'telemetry', 'dist');

/** `require` of a file of the built library, by its path under dist/ (`logging/access-line.js`). */
function builtLibrary(file) {
  return require(path.join(DIST, file));
}

/** The very instance of a dependency (`pino`) that the built library loads. */
builtLibrary.dependency = function dependency(name) {
  return require(require.resolve(name, { paths: [DIST] }));
};

module.exports = builtLibrary;
