import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort, freePortRange } from './utils/trio';

const run = promisify(execFile);

/** A smoke test of the benchmark harness, not a timed test: it runs, measures, and checks the work was done. */
describe('npm run bench (harness smoke test)', () => {
  it('should measure bare and full side by side and report non-zero numbers, with the telemetry verified', async () => {
    const { stdout } = await run(process.execPath, [path.join(__dirname, '../bench/http-overhead.js')], {
      env: { ...process.env, BENCH_MODES: 'bare;full', BENCH_ROUNDS: '2', BENCH_DURATION: '1', BENCH_WARMUP: '0', BENCH_CONNECTIONS: '4', BENCH_PORT: String(await freePort()) },
      timeout: 60_000,
    });
    // The first line says how the run is pinned and whether idle cores were set to poll.
    expect(stdout.split('\n')[0]).toMatch(/; (no guest halt polling to set|guest halt polling .*ns)/);
    const rows = stdout.split('\n').filter((line) => /^\| (bare|full) \|/.test(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [, mode, rps, ratio, paired, range, p50, p99, , cpu, , , system, gcPauses] = row.split('|').map((cell) => cell.trim());
      expect(Number(rps)).toBeGreaterThan(0);
      expect(Number(ratio)).toBeGreaterThan(0);
      // The paired ratio is the median of the rounds' ratios, inside their range; bare's is 1 in every round.
      const [lowest, highest] = range.split('-').map(Number);
      expect(Number(paired)).toBeGreaterThanOrEqual(lowest);
      expect(Number(paired)).toBeLessThanOrEqual(highest);
      if (mode === 'bare') expect(range).toBe('1.000-1.000');
      expect(Number(p99)).toBeGreaterThanOrEqual(Number(p50));
      expect(Number(cpu)).toBeGreaterThan(0);
      expect(Number(system)).toBeLessThanOrEqual(Number(cpu));
      // Young and full GC pauses per request, counted by the app itself.
      const [young, full] = gcPauses.split(' + ').map(Number);
      expect(young).toBeGreaterThan(0);
      expect(full).toBeGreaterThanOrEqual(0);
    }
    expect(stdout).toMatch(/round 1 full .* \d+ served, 1\.0\d spans\/req, \d+ access lines/);
    // The second round starts one configuration further down the list.
    const order = stdout.split('\n').flatMap((line) => /^round (\d) (\w+)/.exec(line)?.slice(1, 3).join(' ') ?? []);
    expect(order).toEqual(['1 bare', '1 full', '2 full', '2 bare']);
    expect(stdout).toContain('verified: every traced request');
  });
});

describe('npm run bench:ab (harness smoke test)', () => {
  it('should load two servers in alternating pairs of slices and report both sides and the pairs, with the telemetry verified', async () => {
    const { stdout } = await run(process.execPath, [path.join(__dirname, '../bench/ab.js')], {
      env: { ...process.env, BENCH_AB: 'bare;full', BENCH_PAIRS: '2', BENCH_SLICE: '1', BENCH_WARMUP: '0', BENCH_CONNECTIONS: '4', BENCH_PORT: String(await freePortRange(2)) },
      timeout: 60_000,
    });
    // The order swaps every pair.
    expect(stdout.split('\n').flatMap((line) => /^pair +(\d) (A,B|B,A)/.exec(line)?.slice(1, 3).join(' ') ?? [])).toEqual(['1 A,B', '2 B,A']);
    const rows = stdout.split('\n').flatMap((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      return /^[AB]$/.test(cells[1] ?? '') ? [{ configuration: cells[2], rps: Number(cells[3]), cpu: Number(cells[4]), gcPause: Number(cells[5]), verified: cells[7] }] : [];
    });
    expect(rows.map((row) => row.configuration)).toEqual(['bare', 'full']);
    for (const row of rows) {
      expect(row.rps).toBeGreaterThan(0);
      expect(row.cpu).toBeGreaterThan(0);
      expect(row.gcPause).toBeGreaterThanOrEqual(0);
    }
    // Every span and access line of the full server, counted after its shutdown flush.
    expect(rows[1].verified).toMatch(/^(\d+) spans, \1 access lines$/);
    const summary = /B\/A req\/s per pair: median ([\d.]+), middle half ([\d.]+)-([\d.]+), B faster in (\d) of 2 pairs/.exec(stdout);
    expect(summary).not.toBeNull();
    const [median, low, high] = summary!.slice(1, 4).map(Number);
    expect(median).toBeGreaterThan(0);
    expect(low).toBeLessThanOrEqual(high);
    // Two pairs are too few for the median's 95 % interval, and the run says so rather than print one.
    expect(stdout).toContain('2 pairs; too few pairs for a 95 % confidence interval of the median (6 at least)');
  });
});

describe("bench:ab's confidence interval of the median", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const medianInterval = require('../bench/median-interval') as (values: number[], level?: number) => { low: number; high: number; coverage: number } | undefined;
  const oneTo = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

  it("should take the order statistics of the sign test's tables, whatever the order of the values", () => {
    // Published 95 % intervals for the median: the 10th and 21st of 30, the 14th and 27th of 40, the 6th and 15th of 20.
    expect(medianInterval(oneTo(30).reverse())).toEqual({ low: 10, high: 21, coverage: expect.closeTo(0.9572, 4) });
    expect(medianInterval(oneTo(40))).toMatchObject({ low: 14, high: 27 });
    expect(medianInterval(oneTo(20))).toMatchObject({ low: 6, high: 15 });
    // At 99 %, 30 values give the 8th and the 23rd.
    expect(medianInterval(oneTo(30), 0.99)).toMatchObject({ low: 8, high: 23 });
  });

  it('should give none for fewer values than the level needs, and the extremes at the smallest count that has one', () => {
    expect(medianInterval(oneTo(5))).toBeUndefined();
    expect(medianInterval([])).toBeUndefined();
    expect(medianInterval([0.9, 0.7, 0.8, 1.1, 0.95, 0.85])).toEqual({ low: 0.7, high: 1.1, coverage: 1 - 2 / 64 });
  });

  it('should cover the true median in at least 95 % of samples (simulated, seeded)', () => {
    // 2,000 samples of 30 draws from a skewed distribution whose median is known (exponential: ln 2).
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    let covered = 0;
    for (let sample = 0; sample < 2000; sample++) {
      const interval = medianInterval(Array.from({ length: 30 }, () => -Math.log(random())))!;
      if (interval.low <= Math.LN2 && Math.LN2 <= interval.high) covered++;
    }
    expect(covered / 2000).toBeGreaterThanOrEqual(0.94);
    expect(covered / 2000).toBeLessThanOrEqual(0.975);
  });
});

describe('npm run bench:request-pipeline (harness smoke test)', () => {
  it("should time the pipeline's work and what it allocates per request in every configuration, each above the stand-in app alone", async () => {
    const { stdout } = await run(process.execPath, [path.join(__dirname, '../bench/request-pipeline.js')], {
      // Enough requests for a few young collections, which the allocation figure is read from.
      env: { ...process.env, REQUESTS: '30000', ROUNDS: '1' },
      timeout: 60_000,
    });
    const rows = stdout.split('\n').flatMap((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      return /^(none|module|unsampled|sampled|continued|observed)$/.test(cells[1] ?? '') ? [{ configuration: cells[1], micros: Number(cells[2]), kilobytes: Number(cells[5]) }] : [];
    });
    expect(rows.map((row) => row.configuration)).toEqual(['none', 'module', 'unsampled', 'sampled', 'continued', 'observed']);
    const [none, ...others] = rows;
    expect(none.kilobytes).toBeGreaterThan(0);
    // Each configuration does more than the stand-in app alone, and allocates more: recording a span most of all.
    for (const row of others) {
      expect(row.micros).toBeGreaterThan(none.micros);
      expect(row.kilobytes).toBeGreaterThan(none.kilobytes);
    }
    const kilobytes = Object.fromEntries(rows.map((row) => [row.configuration, row.kilobytes]));
    expect(kilobytes.sampled).toBeGreaterThan(kilobytes.unsampled);
  });
});

describe('npm run bench:profile (harness smoke test)', () => {
  it("should sample bare and full under load with perf and sort each one's CPU per request, the telemetry's only in full", async () => {
    const { stdout } = await run(process.execPath, [path.join(__dirname, '../bench/profile.js')], {
      env: { ...process.env, BENCH_MODES: 'bare;full', BENCH_DURATION: '2', BENCH_WARMUP: '1', BENCH_CONNECTIONS: '4', BENCH_PORT: String(await freePortRange(2)) },
      timeout: 90_000,
    });
    const rows = new Map(
      stdout.split('\n').flatMap((line) => {
        const cells = line.split('|').map((cell) => cell.trim().replace(/\*/g, ''));
        return cells.length === 5 && cells[1] !== '' && cells[1] !== '---' ? [[cells[1], [cells[2], cells[3]].map((cell) => (cell === '-' ? 0 : Number(cell)))] as const] : [];
      }),
    );
    const [bareTotal, fullTotal] = rows.get('all')!;
    expect(bareTotal).toBeGreaterThan(0);
    expect(fullTotal).toBeGreaterThan(0);
    expect(rows.get('app (Nest, express, the handler)')!.every((micros) => micros > 0)).toBe(true);
    // Telemetry is sampled in full and nowhere in bare.
    const telemetry = [...rows].filter(([category]) => category.startsWith('telemetry:'));
    expect(telemetry.length).toBeGreaterThan(0);
    expect(telemetry.every(([, [bare]]) => bare === 0)).toBe(true);
    expect(telemetry.reduce((sum, [, [, full]]) => sum + full, 0)).toBeGreaterThan(0);
    expect(stdout).toMatch(/full: the telemetry's functions[^\n]*\n +\d+\.\d\d  \S/);
  });
});

describe("bench:profile naming JIT frames from Node's perf map (bench/perf-map.js)", () => {
  const { loadPerfMap, renameJitFrames } = require('../bench/perf-map');
  const mapFile = path.join(os.tmpdir(), `perf-map-spec-${process.pid}.map`);
  beforeAll(() => {
    fs.writeFileSync(
      mapFile,
      [
        "7f0000001000 200 JS:^'onEnding /work/main/node_modules/@opentelemetry/sdk-trace/dist/MultiSpanProcessor.cjs:40:10",
        "7f0000002000 100 JS:*'send /work/main/node_modules/express/lib/response.js:125:25",
        // The first address freed and reused by code compiled later, at the same start and overlapping from below.
        "7f0000001000 180 JS:*'begin /work/main/libs/telemetry/dist/http/http-request-pipeline.js:166:10",
        "7f0000000f00 140 JS:*'handle /work/main/libs/telemetry/dist/http/http-request-pipeline.js:145:11",
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(mapFile, { force: true }));

  it('should name an address after the latest code that covers it, and nothing outside every entry', () => {
    const map = loadPerfMap(mapFile);
    expect(map.nameAt(0x7f0000001010)).toMatch(/handle/); // covered by the latest two; the last written wins
    expect(map.nameAt(0x7f0000001100)).toMatch(/begin/); // past the overlapping one's end
    expect(map.nameAt(0x7f0000002050)).toMatch(/send/);
    expect(map.nameAt(0x7f0000003000)).toBeUndefined();
  });

  it("should rename the perf map's frames of `perf script` and drop every frame's object file", () => {
    const text = [
      'node 1/1',
      "\t    7f0000001100 JS:^'onEnding /work/main/node_modules/@opentelemetry/sdk-trace/dist/MultiSpanProcessor.cjs:40:10 (/tmp/perf-1.map)",
      '\t          560406 node::http_parser::Parser::Proxy<int (node::http_parser::Parser::*)(), &node::http_parser::Parser::on_headers_complete>::Raw (/work/main/node_modules/node/bin/node)',
      '\t    7f0000009999 [unknown] (/tmp/perf-1.map)',
    ].join('\n');
    expect(renameJitFrames(text, loadPerfMap(mapFile)).split('\n')).toEqual([
      'node 1/1',
      "\t    7f0000001100 JS:*'begin /work/main/libs/telemetry/dist/http/http-request-pipeline.js:166:10",
      '\t          560406 node::http_parser::Parser::Proxy<int (node::http_parser::Parser::*)(), &node::http_parser::Parser::on_headers_complete>::Raw',
      '\t    7f0000009999 [unknown]',
    ]);
  });
});

describe('the benchmarks on a KVM guest whose idle cores never poll (bench/halt-polling.js)', () => {
  const script = path.join(__dirname, '../bench/halt-polling.js');
  let parameter: string;
  beforeEach(() => {
    parameter = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'halt-poll-')), 'guest_halt_poll_ns');
  });

  /** Runs pollIdleCores in a process of its own, and returns what it printed, what the parameter held while it ran, and after. */
  async function pollIn(start: string, setting?: string) {
    fs.writeFileSync(parameter, start);
    const code = `const { pollIdleCores } = require(${JSON.stringify(script)});
      console.log(pollIdleCores({ parameter: ${JSON.stringify(parameter)}, setting: ${JSON.stringify(setting)} }));
      console.log(require('node:fs').readFileSync(${JSON.stringify(parameter)}, 'utf8'));`;
    const { stdout } = await run(process.execPath, ['-e', code]);
    const [said, during] = stdout.trim().split('\n');
    return { said, during, after: fs.readFileSync(parameter, 'utf8') };
  }

  it("should poll for the kernel's default while the run lasts, and put the machine's setting back when it ends", async () => {
    await expect(pollIn('0')).resolves.toEqual({ said: expect.stringContaining('0 → 200000 ns for this run'), during: '200000', after: '0' });
  });

  it('should put the setting back when the run is interrupted', async () => {
    fs.writeFileSync(parameter, '0');
    const code = `require(${JSON.stringify(script)}).pollIdleCores({ parameter: ${JSON.stringify(parameter)} }); console.log('set'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    expect(fs.readFileSync(parameter, 'utf8')).toBe('200000');
    const exited = new Promise((resolve) => child.once('exit', (status, signal) => resolve({ status, signal })));
    child.kill('SIGINT');
    await expect(exited).resolves.toEqual({ status: 130, signal: null });
    expect(fs.readFileSync(parameter, 'utf8')).toBe('0');
  });

  it('should leave a machine that already polls, or that is asked to be kept, as it is, and say so', async () => {
    await expect(pollIn('50000')).resolves.toEqual({ said: 'guest halt polling at 50000 ns', during: '50000', after: '50000' });
    await expect(pollIn('0', 'keep')).resolves.toEqual({ said: expect.stringContaining('left at 0 ns (BENCH_HALT_POLL=keep)'), during: '0', after: '0' });
  });

  it('should set the time asked for, and refuse one that is not a whole number of nanoseconds', async () => {
    await expect(pollIn('0', '100000')).resolves.toMatchObject({ during: '100000', after: '0' });
    await expect(pollIn('0', '1e9x')).rejects.toThrow(/BENCH_HALT_POLL is "keep" or a whole number of nanoseconds, not "1e9x"/);
  });

  it('should say there is nothing to set where the machine has no haltpoll driver', async () => {
    const { pollIdleCores } = require(script);
    expect(pollIdleCores({ parameter: path.join(os.tmpdir(), 'no-such-dir', 'guest_halt_poll_ns') })).toBe('no guest halt polling to set');
  });
});

describe('bench:profile sorting samples (bench/profile-classifier.js)', () => {
  const { classify } = require('../bench/profile-classifier');
  // `thread` is perf's `pid/tid`, after the thread's name (`node` unless it says otherwise).
  const sample = (thread: string, ...frames: string[]) => [thread.includes(' ') ? thread : `node ${thread}`, ...frames.map((frame, index) => `\t    ${(0x1000 + index).toString(16)} ${frame}`)].join('\n');
  const root = "7f0 JS:*'parserOnHeadersComplete node:_http_common:77:33";
  const profile = [
    // The handler's work, called through the request pipeline: the app's.
    sample('100/100', "JS:*'send /work/main/node_modules/express/lib/response.js:125:25", "JS:*'handle /work/main/libs/telemetry/dist/http/http-request-pipeline.js:135:11", root),
    // Node's setHeader called by the tracking id: the telemetry's request start.
    sample('100/100', "JS:*'setHeader node:_http_outgoing:682:57", "JS:*'assignTrackingId /work/main/libs/telemetry/dist/tracking-id/tracking-id.js:46:26", "JS:*'begin /work/main/libs/telemetry/dist/http/http-request-pipeline.js:156:10", root),
    // The SDK's span, started by the pipeline: the SDK's.
    sample('100/100', "JS:*'generateId /work/main/node_modules/@opentelemetry/sdk-trace/dist/platform/node/RandomIdGenerator.cjs:21:2", "JS:*'startSpan /work/main/node_modules/@opentelemetry/sdk-trace/dist/Tracer.cjs:42:11", "JS:*'startServerSpan /work/main/libs/telemetry/dist/http/server-span.js:60:25", root),
    // A file write of the log destination.
    sample('100/100', 'ffffffff817bf4ee ext4_da_write_begin', "JS:+'write node:fs:867:15", "JS:+'actualWriteBuffer /work/main/node_modules/sonic-boom/index.js:655:28"),
    sample('100/100', 'v8::internal::Scavenger::ScavengePage', "JS:*'accessLineFields /work/main/libs/telemetry/dist/logging/access-line.js:18:26"),
    sample('100/107', 'v8::internal::ConcurrentMarking::Run'),
    sample('V8 DefaultWorke 100/108', 'v8::internal::compiler::PipelineImpl::OptimizeTurbofanGraph'),
    sample('V8 DefaultWorke 100/109', 'v8::internal::ConcurrentMarking::Run'),
    sample('100/100', 'epoll_pwait', 'uv__io_poll'),
  ].join('\n\n');

  it('should give each sample to the first frame from the leaf that is the app or a part of the telemetry, per request', () => {
    // 1000 samples a second over 2 requests: each sample is 500 µs of one request.
    const { micros, total, topFunctions, otherThreads } = classify(profile, { frequency: 1000, requests: 2 });
    expect(total).toBe(4500);
    expect(micros).toEqual(
      expect.objectContaining({
        'app (Nest, express, the handler)': 500,
        'telemetry: request start (server span, tracking id)': 500,
        'telemetry: OpenTelemetry SDK and API (spans, context)': 500,
        'telemetry: access log and log writes': 500,
        'garbage collection (main thread)': 500,
        'other threads (GC helpers, libuv, V8 compiler)': 1500,
        'Node: HTTP parsing, sockets, event loop': 500,
        'telemetry: HTTP metrics': 0,
      }),
    );
    expect(topFunctions.map((entry: { name: string }) => entry.name).sort()).toEqual([
      'actualWriteBuffer sonic-boom/index.js',
      'assignTrackingId tracking-id/tracking-id.js',
      'generateId @opentelemetry/sdk-trace/dist/platform/node/RandomIdGenerator.cjs',
    ]);
    // Other threads by their name (perf's comm), two threads of one name summed, the busiest first.
    expect(otherThreads).toEqual([
      { name: 'V8 DefaultWorke', micros: 1000 },
      { name: 'node', micros: 500 },
    ]);
  });
});
