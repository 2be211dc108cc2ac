// An OTLP/HTTP sink in a process of its own, like a collector that keeps up: it reads
// and acknowledges every export and reports the count when asked.
'use strict';
const http = require('node:http');

let exportCount = 0;
let bytes = 0;
const server = http.createServer((request, response) => {
  request.on('data', (chunk) => (bytes += chunk.length));
  request.on('end', () => {
    exportCount += 1;
    response.end();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
process.on('message', (message) => {
  if (message === 'stats') process.send({ exports: exportCount, bytes });
  if (message === 'stop') server.close(() => process.exit(0));
});
