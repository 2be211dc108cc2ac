// Diagnostic for `npm run bench:ab`: `bare` doing work of no use on every request, of a kind
// chosen by NT_EXTRA_WORK, so the app's and Node's own cost beside it can be read against
// the work's cost in a loop (printed on stderr at start):
//   spin      arithmetic in registers, no memory touched: pure CPU time
//   allocate  small objects made per request and held until the response closes, as
//             telemetry holds its span and observation: memory the caches must take in
//   context   the request handled inside `AsyncLocalStorage.run`, as the pipeline runs it
//             in its context (a store of its own here, no OpenTelemetry)
//   close     a `'close'` listener on every response, as the observation adds one
//   code      NT_EXTRA_FUNCTIONS (300) functions of distinct code, each reading and writing
//             an object of its own shape: the amount of distinct code and metadata a
//             request runs through, as telemetry adds its SDK's, encoder's and logger's
//   none      nothing: only the wrapper around the server's `emit` that the others run in
// Whether a request's telemetry costs more in the app than in a loop because it takes CPU
// time, or because of the memory it touches (BENCHMARKS.md, "Fourteenth session"):
//   BENCH_AB='bare;bare {} --require=./bench/diagnostics/extra-work.js' NT_EXTRA_WORK=spin npm run bench:ab
'use strict';
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const { EventEmitter } = require('node:events');

const KIND = process.env.NT_EXTRA_WORK ?? 'spin';
const SPIN_ROUNDS = Number(process.env.NT_EXTRA_SPIN ?? 3000);
// About 11 KB a request: twice what the request pipeline, its span and observers allocate in a loop (bench:request-pipeline's `observed`).
const OBJECTS = Number(process.env.NT_EXTRA_OBJECTS ?? 200);

let sink = 0;
function spin() {
  let x = sink | 1;
  for (let i = 0; i < SPIN_ROUNDS; i++) x = (x * 1103515245 + 12345) | 0;
  sink = x;
}

/** OBJECTS objects of about 56 bytes each (three header words and four fields), chained so that each lives as long as the first. */
function allocate() {
  let head = null;
  for (let i = 0; i < OBJECTS; i++) head = { next: head, a: i, b: sink, c: undefined };
  return head;
}

const FUNCTIONS = Number(process.env.NT_EXTRA_FUNCTIONS ?? 300);
/** Straight-line functions (no loop to fold the code), each over a state object with property names and a map of its own. */
function distinctCode() {
  const functions = [];
  const states = [];
  for (let i = 0; i < FUNCTIONS; i++) {
    const names = Array.from({ length: 6 }, (_, k) => `f${i}_${k}`);
    states.push(Object.fromEntries(names.map((name, k) => [name, i + k])));
    const steps = names.map((name, k) => `s = (s * ${31 + k} + o.${name} * ${i + 3}) | 0; if (s & ${1 << k}) s ^= ${i * 7 + k}; o.${name} = s & 1023;`);
    functions.push(new Function('o', 'x', `let s = x | 0;\n${steps.join('\n')}\nreturn s;`));
  }
  return () => {
    let s = sink;
    for (let i = 0; i < FUNCTIONS; i++) s = functions[i](states[i], s);
    sink = s;
  };
}
const runDistinctCode = KIND === 'code' ? distinctCode() : undefined;

const HELD = Symbol('extra-work.held');
function release() {
  this[HELD] = undefined;
}

const storage = new AsyncLocalStorage();
const store = { request: true };
function noop() {}
// Each kind does its work and hands the request on (`dispatch`), `context` from inside its store.
const KINDS = {
  spin: (response, dispatch) => (spin(), dispatch()),
  allocate: (response, dispatch) => ((response[HELD] = allocate()), response.on('close', release), dispatch()),
  code: (response, dispatch) => (runDistinctCode(), dispatch()),
  context: (response, dispatch) => storage.run(store, dispatch),
  close: (response, dispatch) => (response.on('close', noop), dispatch()),
  none: (response, dispatch) => dispatch(),
};
const work = KINDS[KIND];
if (!work) throw new Error(`NT_EXTRA_WORK is one of ${Object.keys(KINDS).join(', ')}, not ${KIND}`);

// The work's cost in a loop, warm: what it would add if nothing else slowed beside it.
// (An EventEmitter stands in for a response, one per request: its `new` is timed too, and is small.)
for (let i = 0; i < 20000; i++) work(new EventEmitter(), noop);
const started = process.hrtime.bigint();
for (let i = 0; i < 20000; i++) work(new EventEmitter(), noop);
process.stderr.write(`extra-work: ${KIND}, ${(Number(process.hrtime.bigint() - started) / 20000 / 1000).toFixed(2)} µs a request in a loop\n`);

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithExtraWork(event, request, response) {
  if (event !== 'request') return emit.apply(this, arguments);
  return work(response, () => emit.call(this, event, request, response));
};
