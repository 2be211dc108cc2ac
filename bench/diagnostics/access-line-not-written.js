// Diagnostic for `npm run bench:ab`: each access line is built (request read, fields as
// JSON), then dropped before it is framed, joined with the turn's lines, encoded or written.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/access-line-not-written.js' npm run bench:ab
'use strict';
const { AccessLineWriter } = require('./built-library')('logging/access-line.js');

AccessLineWriter.prototype.write = function dropLine() {};
