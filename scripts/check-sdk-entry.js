#!/usr/bin/env node
// Checks that an entry of the built package (default: nest-telemetry/sdk) loads no Nest
// or express module: the SDK must start before they load, or auto-instrumentation
// silently misses them. Runs in a process of its own, so nothing else is loaded.
//   node scripts/check-sdk-entry.js [entry]
'use strict';
const { execFileSync } = require('node:child_process');

const entry = process.argv[2] ?? 'nest-telemetry/sdk';
const FORBIDDEN = /[\\/]node_modules[\\/](@nestjs[\\/][^\\/]+|express|@willsoto[\\/]nestjs-prometheus|nestjs-pino)[\\/]/;

const probe = `
  require(${JSON.stringify(entry)});
  process.stdout.write(JSON.stringify(Object.keys(require.cache)));
`;
const loaded = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: __dirname, encoding: 'utf8' }));
const offenders = [...new Set(loaded.map((file) => FORBIDDEN.exec(file)?.[1]).filter(Boolean))];
if (offenders.length > 0) {
  console.error(`check-sdk-entry: ${entry} loads ${offenders.join(', ')}; it must load before Nest and express`);
  process.exit(1);
}
console.log(`check-sdk-entry: ${entry} loads ${loaded.length} modules, none of Nest or express`);
