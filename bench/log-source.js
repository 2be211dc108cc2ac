#!/usr/bin/env node
// What `logging.source` (source.function / file / line on every line) adds to a log line:
// the same logger call with it off and on, interleaved rounds in one process, lines
// written to a stream that drops them. Prints µs per line; run after `npm run build`:
//   node bench/log-source.js
'use strict';
// Internal to the package (not exported): loaded from the build.
const { createTelemetryLogger } = require('../libs/telemetry/dist/logging/logger.factory');
const { resolveModuleOptions } = require('../libs/telemetry/dist/options/module-options.resolver');
const { resolveSdkOptions } = require('../libs/telemetry/dist/options/sdk-options.resolver');

const median = require('./median');

const LINES = Number(process.env.LINES ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const sink = { write: () => true };

function loggerWith(source) {
  const options = resolveModuleOptions({ serviceName: 'bench', logging: { level: 'info', source, destination: sink } }, resolveSdkOptions({ serviceName: 'bench' }));
  return createTelemetryLogger(options).logger;
}

class OrdersRepository {
  constructor(logger) {
    this.logger = logger;
  }
  find(id) {
    this.logger.info({ order_id: id, workflow_status: 'running' }, 'order loaded');
  }
}

const variants = { 'source off': new OrdersRepository(loggerWith(false)), 'source on': new OrdersRepository(loggerWith(true)) };
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, repository] of Object.entries(variants)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < LINES; i++) repository.find(i);
    results[name].push(Number(process.hrtime.bigint() - started) / LINES / 1000);
  }
}
console.log(`Node ${process.version}, ${LINES} lines x ${ROUNDS} interleaved rounds, median µs per line:`);
for (const [name, values] of Object.entries(results)) console.log(`  ${name.padEnd(11)} ${median(values).toFixed(2)}`);
console.log(`  added by logging.source: ${(median(results['source on']) - median(results['source off'])).toFixed(2)} µs per line`);
