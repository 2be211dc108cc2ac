import { AsyncLocalStorage } from 'node:async_hooks';
import fs, { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resolveModuleOptions } from '../options/module-options.resolver';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { AccessLog } from './access-log';
import { asyncFileDestination } from './log-destination';
import { createTelemetryLogger } from './logger.factory';
import { withOtlpLogBridge } from './otlp-log-bridge';

/** A file's lines in a fixed order: no line lost or written twice, whatever order the writes landed in. */
function sorted(text: string): string[] {
  return text.split('\n').sort();
}

describe('log destinations', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'log-destination-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('should write every line, multi-byte characters and all, once flushed synchronously', async () => {
    const file = join(directory, 'app.log');
    const destination = asyncFileDestination(openSync(file, 'a'), 1024);
    const lines = Array.from({ length: 500 }, (_, index) => `{"n":${index},"text":"żółw ✓ ${'x'.repeat(index % 7)}"}\n`);
    // Some lines while a write is in flight, the rest buffered across several maxWrite-sized writes.
    lines.slice(0, 10).forEach((line) => destination.write(line));
    await new Promise((resolve) => setTimeout(resolve, 20));
    lines.slice(10).forEach((line) => destination.write(line));
    destination.flushSync!();
    // The first of those lines went out in an asynchronous write, which may land after the synchronous ones.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sorted(readFileSync(file, 'utf8'))).toEqual(sorted(lines.join('')));
  });

  it('should hold a few lines past the turn, then write them together in one write within 20 ms', async () => {
    const file = join(directory, 'turn.log');
    const writes = jest.spyOn(fs, 'write');
    try {
      const destination = asyncFileDestination(openSync(file, 'a'), 1024 * 1024);
      const lines = Array.from({ length: 100 }, (_, index) => `{"n":${index}}\n`);
      lines.forEach((line) => destination.write(line));
      expect(writes).not.toHaveBeenCalled();
      // The turn's end: under 64 KiB waiting, nothing is written yet.
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).not.toHaveBeenCalled();
      // The next turn's lines join them.
      destination.write('{"n":"later"}\n');
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(writes).toHaveBeenCalledTimes(1);
      expect(readFileSync(file, 'utf8')).toBe(`${lines.join('')}{"n":"later"}\n`);
    } finally {
      writes.mockRestore();
    }
  });

  it("should write a turn's lines at the turn's end once 64 KiB are waiting, in one write", async () => {
    const file = join(directory, 'large-turn.log');
    const writes = jest.spyOn(fs, 'write');
    try {
      const destination = asyncFileDestination(openSync(file, 'a'), 1024 * 1024);
      const lines = Array.from({ length: 200 }, (_, index) => `{"n":${index},"text":"${'x'.repeat(400)}"}\n`);
      lines.forEach((line) => destination.write(line));
      expect(writes).not.toHaveBeenCalled();
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toHaveBeenCalledTimes(1);
      await new Promise((resolve) => setTimeout(resolve, 60));
      // The hold timer of those lines found nothing left to write.
      expect(writes).toHaveBeenCalledTimes(1);
      expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    } finally {
      writes.mockRestore();
    }
  });

  it("should have written every line when flush()'s callback runs, and the rest of a write that left some held within 20 ms", async () => {
    const file = join(directory, 'flush-callback.log');
    // Writes of at most 70,000 bytes: two turns of 60 KB leave in one write of the first
    // turn's bytes, and the second turn's (under 64 KiB) stay held after it.
    const destination = asyncFileDestination(openSync(file, 'a'), 70_000);
    const turn = (tag: string) => Array.from({ length: 150 }, (_, index) => `{"${tag}":${index},"text":"${'x'.repeat(390)}"}\n`);
    const twoTurns = async (tag: string): Promise<string[]> => {
      const first = turn(`${tag}1`);
      first.forEach((line) => destination.write(line));
      await new Promise((resolve) => setImmediate(resolve));
      const second = turn(`${tag}2`);
      second.forEach((line) => destination.write(line));
      await new Promise((resolve) => setImmediate(resolve));
      return [...first, ...second];
    };
    const flushed = await twoTurns('n');
    await new Promise<void>((resolve, reject) => destination.flush!((error) => (error ? reject(error) : resolve())));
    expect(readFileSync(file, 'utf8')).toBe(flushed.join(''));
    // The same without a flush: the rest leaves on the hold timer.
    const timed = await twoTurns('m');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(readFileSync(file, 'utf8')).toBe(flushed.join('') + timed.join(''));
  });

  it("should write held lines outside the async context of the request that wrote them", async () => {
    const file = join(directory, 'context.log');
    const storage = new AsyncLocalStorage<string>();
    const write = fs.write;
    const stores: (string | undefined)[] = [];
    // A timer started in the request's context would keep that context (its span, its store) alive until it fires.
    const writes = jest.spyOn(fs, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      stores.push(storage.getStore());
      return (write as (...params: unknown[]) => void).apply(this, args);
    } as typeof fs.write);
    try {
      const destination = asyncFileDestination(openSync(file, 'a'), 1024 * 1024);
      storage.run('request', () => destination.write('{"n":1}\n'));
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(stores).toEqual([undefined]);
      expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    } finally {
      writes.mockRestore();
    }
  });

  it("should write the turn's lines before flushSync returns, and start writing them on flush()", async () => {
    const file = join(directory, 'flush.log');
    const destination = asyncFileDestination(openSync(file, 'a'), 1024 * 1024);
    const lines = Array.from({ length: 300 }, (_, index) => `{"n":${index},"text":"żółw"}\n`);
    lines.slice(0, 150).forEach((line) => destination.write(line));
    destination.flushSync!();
    // Nothing was in flight: every line is in the file now, in order.
    expect(readFileSync(file, 'utf8')).toBe(lines.slice(0, 150).join(''));
    // pino's logger.flush() and its beforeExit handler call flush(): the turn's lines leave at once, not at the turn's end.
    const writes = jest.spyOn(fs, 'write');
    try {
      lines.slice(150).forEach((line) => destination.write(line));
      destination.flush!();
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('should leave nothing in flight when flushed for exit, and write each later line before write returns', async () => {
    const file = join(directory, 'exit.log');
    const destination = withOtlpLogBridge(asyncFileDestination(openSync(file, 'a'), 1024 * 1024), new LoggerProvider().getLogger('test'));
    // 8 MiB of lines: the first write is still in flight when the flush starts.
    const lines = Array.from({ length: 128 }, (_, index) => `{"n":${index},"pad":"${'x'.repeat(64 * 1024)}"}\n`);
    lines.forEach((line) => destination.write(line));
    await destination.flushForExit!(5_000);
    // Read at once, as a process killed now would leave it: complete and in order.
    expect(readFileSync(file, 'utf8') === lines.join('')).toBe(true);
    destination.write('{"n":"after"}\n');
    expect(readFileSync(file, 'utf8').endsWith('\n{"n":"after"}\n')).toBe(true);
  });

  it('should flush the inner destination itself through the OTLP bridge (no line twice, none lost)', async () => {
    const file = join(directory, 'bridged.log');
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() })] });
    const destination = withOtlpLogBridge(asyncFileDestination(openSync(file, 'a'), 1024), provider.getLogger('test'));
    const lines = Array.from({ length: 200 }, (_, index) => `{"@message":"line ${index}"}\n`);
    lines.forEach((line) => destination.write(line));
    destination.flushSync!();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sorted(readFileSync(file, 'utf8'))).toEqual(sorted(lines.join('')));
    await provider.shutdown();
  });

  it('should route lines by level through a pino multistream behind the OTLP bridge', () => {
    const info = new MemoryLogDestination();
    const warn = new MemoryLogDestination();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() })] });
    const multistream = pino.multistream([{ stream: info, level: 'info' }, { stream: warn, level: 'warn' }], { dedupe: true });
    const options = resolveModuleOptions({ serviceName: 'orders', logging: { level: 'info', destination: multistream } }, resolveSdkOptions({ serviceName: 'orders' }));
    const { logger } = createTelemetryLogger(options, provider.getLogger('test'));
    logger.info('fine');
    logger.warn('careful');
    new AccessLog(logger, { maskIp: false }).end({
      request: { method: 'GET', headers: {}, socket: {} },
      response: { getHeader: () => undefined },
      method: 'GET',
      path: '/gone',
      route: undefined,
      status: 404,
      aborted: false,
      errorType: '404',
      seconds: 0.001,
      spanContext: undefined,
      trackingId: '4bf92f3577b34da6a3ce929d0e0e4736',
    } as never);
    expect(info.lines().map((line) => line['@message'])).toEqual(['fine']);
    expect(warn.lines().map((line) => line['@message'])).toEqual(['careful', 'GET /gone 404']);
  });
});
