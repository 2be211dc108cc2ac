// Diagnostic for `npm run bench:ab`: the log destination, unchanged, writes to another file
// than the app's standard output: BENCH_LOG_FILE ("{pid}" in it becomes the process id), or
// /dev/null by default (the write calls without a file); a file on tmpfs: BENCH_LOG_FILE=/dev/shm/bench-{pid}.log.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/log-file-elsewhere.js' npm run bench:ab
'use strict';
const fs = require('node:fs');
const destination = require('./built-library')('logging/log-destination.js');

const target = (process.env.BENCH_LOG_FILE ?? '/dev/null').replace('{pid}', String(process.pid));
const fileDestination = destination.asyncFileDestination;
destination.asyncFileDestination = (_fd, maxWriteBytes) => fileDestination(fs.openSync(target, 'w'), maxWriteBytes);
