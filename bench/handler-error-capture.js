#!/usr/bin/env node
// What HandlerErrorCapture (error.type = the class a route handler threw) adds to each
// call of a route handler: the same sync and async handlers, wrapped and not, timed in
// interleaved rounds in one process. Prints ns per call; run after `npm run build`:
//   node bench/handler-error-capture.js
'use strict';
require('reflect-metadata');
const { Controller, Get } = require('@nestjs/common');
const { MetadataScanner } = require('@nestjs/core');
// Internal to the package (not exported): loaded from the build.
const { HandlerErrorCapture } = require('../libs/telemetry/dist/http/handler-error-capture');

function controllerClass() {
  class Items {
    get(id) {
      return { id };
    }
    async getAsync(id) {
      return { id };
    }
  }
  Controller('items')(Items);
  for (const name of ['get', 'getAsync']) Get(name)(Items.prototype, name, Object.getOwnPropertyDescriptor(Items.prototype, name));
  return Items;
}

const Bare = controllerClass();
const Wrapped = controllerClass();
new HandlerErrorCapture({ getControllers: () => [{ metatype: Wrapped }] }, new MetadataScanner());
if (Wrapped.prototype.get === Bare.prototype.get) throw new Error('not wrapped');

const median = require('./median');

const CALLS = Number(process.env.CALLS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function time(instance, method) {
  const started = process.hrtime.bigint();
  if (method === 'get') for (let i = 0; i < CALLS; i++) instance.get(i);
  else for (let i = 0; i < CALLS; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, j) => instance.getAsync(i + j)));
  return Number(process.hrtime.bigint() - started) / CALLS;
}

(async () => {
  const results = { 'sync bare': [], 'sync wrapped': [], 'async bare': [], 'async wrapped': [] };
  const bare = new Bare();
  const wrapped = new Wrapped();
  for (let round = 0; round < ROUNDS; round++) {
    results['sync bare'].push(await time(bare, 'get'));
    results['sync wrapped'].push(await time(wrapped, 'get'));
    results['async bare'].push(await time(bare, 'getAsync'));
    results['async wrapped'].push(await time(wrapped, 'getAsync'));
  }
  console.log(`Node ${process.version}, ${CALLS} calls x ${ROUNDS} interleaved rounds, median ns per call:`);
  for (const [name, values] of Object.entries(results)) console.log(`  ${name.padEnd(14)} ${median(values).toFixed(1)}`);
  console.log(`  added: sync ${(median(results['sync wrapped']) - median(results['sync bare'])).toFixed(1)} ns, async ${(median(results['async wrapped']) - median(results['async bare'])).toFixed(1)} ns per call`);
})();
