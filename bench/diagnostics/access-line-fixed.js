// Diagnostic for `npm run bench:ab`: every request writes the same access line, so nothing
// of the request is read or turned into JSON; framing, joining, encoding and writing stay.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/access-line-fixed.js' npm run bench:ab
'use strict';
const { AccessLog } = require('./built-library')('logging/access-log.js');

// What the bench app's access line says, as the line's fields and message JSON.
const FIXED_LINE = {
  fields:
    ',"tracking_id":"4bf92f3577b34da6a3ce929d0e0e4736","tracing":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}' +
    ',"request":{"method":"GET","path":"/api/v1/items/42","route":"/api/v1/items/:id","duration":0.000412,"user_agent":"autocannon","ip":"127.0.0.1"}' +
    ',"response":{"status":200,"size":45,"content_type":"application/json; charset=utf-8"}}',
  messageJson: '"GET /api/v1/items/42 200"',
};

AccessLog.prototype.end = function writeFixedLine() {
  this.writer.write('info', FIXED_LINE);
};
