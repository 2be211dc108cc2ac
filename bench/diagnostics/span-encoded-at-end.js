// Diagnostic for `npm run bench:ab`: each span is encoded as it ends, where the turn's
// ended spans are encoded together after the turn's requests have ended: in the
// end-of-turn run, a SERVER span's objects are then read while its end has them at hand.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/span-encoded-at-end.js' npm run bench:ab
'use strict';
const { EncodingBatchSpanProcessor } = require('./built-library')('sdk/encoding-batch-span-processor.js');

const onEnd = EncodingBatchSpanProcessor.prototype.onEnd;
EncodingBatchSpanProcessor.prototype.onEnd = function encodeAtOnce(span) {
  onEnd.call(this, span);
  this.encodeEnded();
};
