'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const session = new inspector.Session();
session.connect();
let started = false;
process.on('SIGUSR1', () => {
  session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, () => (started = true));
});
process.removeAllListeners('SIGUSR2');
setImmediate(() => {
  process.removeAllListeners('SIGUSR2');
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.stopSampling', (err, { profile }) => {
      fs.writeFileSync(process.env.HEAP_OUT, JSON.stringify(profile));
      process.exit(0);
    });
  });
});
require('./app.js');
