// Diagnostic for `npm run bench:ab`: the library's own log destination joins each turn's
// lines and encodes them, then hands the bytes to a stream that drops them: no sonic-boom,
// no file.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/log-lines-encoded-not-written.js' npm run bench:ab
'use strict';
const builtLibrary = require('./built-library');
const destination = builtLibrary('logging/log-destination.js');
const pino = builtLibrary.dependency('pino');

/** Stands in for sonic-boom where the destination makes it: what the destination reads of it, and nothing written. */
class DroppingStream {
  _writing = false;
  sync = false;
  write() {
    return true;
  }
  flushSync() {}
  flush(callback) {
    callback?.();
  }
}

const fileDestination = destination.asyncFileDestination;
destination.asyncFileDestination = (fd, maxWriteBytes) => {
  const sonicBoom = pino.destination;
  pino.destination = () => new DroppingStream();
  try {
    return fileDestination(fd, maxWriteBytes);
  } finally {
    pino.destination = sonicBoom;
  }
};
