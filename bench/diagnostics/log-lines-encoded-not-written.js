// Diagnostic for `npm run bench:ab`: the log destination joins each turn's lines and
// encodes them as the real one does, then drops the bytes: no sonic-boom, no file.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/log-lines-encoded-not-written.js' npm run bench:ab
'use strict';
const destination = require('./built-library')('logging/log-destination.js');

destination.asyncFileDestination = function encodingOnlyDestination() {
  let pending = '';
  let scheduled = false;
  const takePending = () => {
    scheduled = false;
    if (pending.length === 0) return;
    Buffer.from(pending); // encoded as the real destination encodes it, then dropped
    pending = '';
  };
  return {
    write(line) {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(takePending);
      }
    },
    flushSync: takePending,
    flush(callback) {
      takePending();
      callback?.();
    },
    async flushForExit() {
      takePending();
    },
  };
};
