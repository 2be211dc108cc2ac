import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { PooledRandomIdGenerator } from './pooled-random-id-generator';
import { currentTelemetryRuntime, startTelemetry } from './start-telemetry';

describe('PooledRandomIdGenerator', () => {
  afterEach(async () => {
    jest.restoreAllMocks();
    await currentTelemetryRuntime()?.shutdown();
  });

  it('should give lowercase hex trace and span ids, all distinct, across many refills of its pool', () => {
    const ids = new PooledRandomIdGenerator();
    const traceIds = Array.from({ length: 5000 }, () => ids.generateTraceId());
    const spanIds = Array.from({ length: 5000 }, () => ids.generateSpanId());
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    // Every hex digit shows up in every position over 5000 ids: the bytes are spread, not stuck.
    for (let position = 0; position < 32; position++) expect(new Set(traceIds.map((id) => id[position])).size).toBe(16);
  });

  it('should draw 16 KiB from the cryptographic source at once, and never give an all-zero (invalid) id', () => {
    // The module object itself (a TypeScript namespace import's properties cannot be spied on).
    const fill = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'randomFillSync').mockImplementation((buffer) => (buffer as Buffer).fill(0));
    const ids = new PooledRandomIdGenerator();
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}01`);
    expect(ids.generateSpanId()).toBe(`${'0'.repeat(14)}01`);
    for (let index = 0; index < 62; index++) ids.generateTraceId();
    // 16 KiB holds 1,024 trace ids: 63 trace ids and two span ids (the first KiB), then 960 more, took one fill.
    expect(ids.generateSpanId()).toBe(`${'0'.repeat(14)}01`);
    for (let index = 0; index < 960; index++) ids.generateTraceId();
    expect(fill).toHaveBeenCalledTimes(1);
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}01`);
    expect(fill).toHaveBeenCalledTimes(2);
  });

  it('should check the bytes of the id it gives in every KiB of the pool, not those of the first', () => {
    jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'randomFillSync').mockImplementation((buffer) => {
      const bytes = (buffer as Buffer).fill(0);
      bytes[3 * 1024 + 5] = 0x7f; // the sixth byte of the first trace id of the fourth KiB
      return bytes;
    });
    const ids = new PooledRandomIdGenerator();
    for (let index = 0; index < 3 * 64; index++) expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}01`);
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(10)}7f${'0'.repeat(20)}`);
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}01`);
  });

  it('should keep an id with any nonzero byte, wherever it is, and replace only an all-zero one', () => {
    const fill = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'randomFillSync').mockImplementation((buffer) => {
      const bytes = (buffer as Buffer).fill(0);
      bytes[15] = 0xab; // the first trace id's last byte
      bytes[16] = 0x01; // the first span id's first byte
      return bytes;
    });
    const ids = new PooledRandomIdGenerator();
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}ab`);
    expect(ids.generateSpanId()).toBe(`01${'0'.repeat(14)}`);
    // Bytes 24-31: all zero.
    expect(ids.generateSpanId()).toBe(`${'0'.repeat(14)}01`);
    expect(fill).toHaveBeenCalledTimes(1);
  });

  it('should be the id generator of the SDK startTelemetry() starts', () => {
    const generate = jest.spyOn(PooledRandomIdGenerator.prototype, 'generateTraceId');
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'ids', spanExporter: exporter, batch: false, detectResources: false });
    trace.getTracer('t').startSpan('root').end();
    const [span] = exporter.getFinishedSpans();
    expect(generate).toHaveReturnedWith(span.spanContext().traceId);
  });
});
