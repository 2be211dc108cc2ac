import 'reflect-metadata';
import { SpanStatusCode } from '@opentelemetry/api';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { Registry } from 'prom-client';
import { lastValueFrom, timer, map } from 'rxjs';
import { TELEMETRY_METRICS_REGISTRY } from '../metrics/metrics.constants';
import { MetricsService } from '../metrics/metrics.service';
import { TelemetryModule } from '../telemetry.module';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { InvalidOperationInputError } from './invalid-operation-input.error';
import { Measured } from './measured.decorator';
import { OPERATION_CSV_COLUMNS } from './operation-log';

@Injectable()
class PreProcessor {
  @Measured('excel_processing', { component: 'pre_processor', metadata: { format: 'xlsx' } })
  async process(rows: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return rows * 2;
  }

  @Measured('excel_processing', { component: 'pre_processor' })
  async reject(): Promise<never> {
    await Promise.resolve();
    throw new RangeError('sheet "Q3" is empty');
  }

  @Measured('validation', { component: 'validator' })
  validate(value: number): boolean {
    if (value < 0) throw new TypeError('negative');
    return true;
  }

  @Measured('streaming', { component: 'loader' })
  stream() {
    return timer(5).pipe(map(() => 'done'));
  }
}

const LABELS = 'environment="dev",project="default",service="ops"';

describe('operations (MetricsService.measure, @Measured)', () => {
  let tracing: InMemoryTracing;
  let moduleRef: TestingModule;
  let metrics: MetricsService;
  let registry: Registry;
  let processor: PreProcessor;

  const start = async (bufferSize = 1000) => {
    moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ metrics: { defaultMetrics: false, operations: { bufferSize } } })],
      providers: [PreProcessor],
    }).compile();
    await moduleRef.init();
    metrics = moduleRef.get(MetricsService);
    registry = moduleRef.get(TELEMETRY_METRICS_REGISTRY);
    processor = moduleRef.get(PreProcessor);
  };

  beforeEach(async () => {
    tracing = InMemoryTracing.start({ serviceName: 'ops' });
    await start();
  });
  afterEach(async () => {
    await moduleRef?.close();
    await tracing?.stop();
  });

  it('measures a decorated method: span, count, duration and a record with its trace id', async () => {
    expect(await processor.process(21)).toBe(42);
    const span = tracing.span('excel_processing');
    expect(span.attributes).toMatchObject({ 'operation.name': 'excel_processing', 'operation.component': 'pre_processor' });
    const [record] = metrics.operationRecords();
    expect(record).toMatchObject({
      operation_name: 'excel_processing',
      component: 'pre_processor',
      status: 'success',
      error: null,
      metadata: { format: 'xlsx' },
      trace_id: span.spanContext().traceId,
    });
    expect(record.operation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.duration_ms).toBeGreaterThanOrEqual(4);
    expect(typeof record.memory_delta_mb).toBe('number');
    expect(new Date(record.started_at).toISOString()).toBe(record.started_at);
    const text = await registry.metrics();
    expect(text).toContain(`operations_total{operation_type="excel_processing",component="pre_processor",status="success",${LABELS}} 1`);
    expect(text).toMatch(/operation_duration_seconds_count\{[^}]*operation_type="excel_processing",component="pre_processor"\} 1/);
  });

  it('records a failure (thrown or rejected) with its error, sets the span to ERROR, and rethrows', async () => {
    await expect(processor.reject()).rejects.toThrow('sheet "Q3" is empty');
    expect(() => processor.validate(-1)).toThrow(TypeError);
    expect(metrics.operationRecords().map((record) => [record.operation_name, record.status, record.error])).toEqual([
      ['excel_processing', 'failure', 'sheet "Q3" is empty'],
      ['validation', 'failure', 'negative'],
    ]);
    expect(tracing.span('validation').status.code).toBe(SpanStatusCode.ERROR);
    expect(await registry.metrics()).toContain(`operations_total{operation_type="validation",component="validator",status="failure",${LABELS}} 1`);
  });

  it('measures a block with the function form, and an Observable to its end', async () => {
    const value = metrics.measure('checksum', 'loader', () => 7, { file: 'a.csv' });
    expect(value).toBe(7);
    expect(await lastValueFrom(processor.stream())).toBe('done');
    const records = metrics.operationRecords();
    expect(records.map((record) => [record.operation_name, record.status])).toEqual([
      ['checksum', 'success'],
      ['streaming', 'success'],
    ]);
    expect(records[1].duration_ms).toBeGreaterThanOrEqual(4);
    expect(() => metrics.measure('', 'loader', () => 1)).toThrow(InvalidOperationInputError);
  });

  it('keeps a bounded buffer: the oldest records are dropped first and the drops counted', async () => {
    await moduleRef.close();
    await start(3);
    for (let i = 0; i < 5; i++) metrics.measure(`op${i}`, 'c', () => i);
    expect(metrics.operationRecords().map((record) => record.operation_name)).toEqual(['op2', 'op3', 'op4']);
    expect(metrics.summary().dropped_records).toBe(2);
    expect(await registry.metrics()).toContain(`operation_records_dropped_total{${LABELS}} 2`);
  });

  it('validates data quality scores: a finite number in [0, 1], anything else throws and records nothing', async () => {
    metrics.recordDataQuality('extractor', 0.93);
    for (const bad of [1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.5' as unknown as number]) {
      expect(() => metrics.recordDataQuality('extractor', bad)).toThrow(/recordDataQuality: the score must be a finite number between 0 and 1/);
    }
    const text = await registry.metrics();
    expect(text).toContain(`data_quality_score{component="extractor",${LABELS}} 0.93`);
    metrics.recordCacheOperation('extractor', 'lookup', 'hit');
    metrics.recordCacheOperation('extractor', 'lookup', 'miss');
    expect(() => metrics.recordCacheOperation('extractor', 'lookup', 'maybe' as 'hit')).toThrow(InvalidOperationInputError);
    metrics.recordDataProcessed('extractor', 'rows', 1200);
    expect(() => metrics.recordDataProcessed('extractor', 'rows', -1)).toThrow(InvalidOperationInputError);
    const after = await registry.metrics();
    expect(after).toContain(`cache_operations_total{component="extractor",operation="lookup",result="hit",${LABELS}} 1`);
    expect(after).toContain(`data_processed_total{component="extractor",unit="rows",${LABELS}} 1200`);
  });

  it('summarizes: totals, success rate, average and p95 duration, peak memory, per operation type', async () => {
    for (let i = 0; i < 19; i++) metrics.measure('fast', 'c', () => i);
    await metrics.measure('slow', 'c', () => new Promise((resolve) => setTimeout(resolve, 30)));
    expect(() => metrics.measure('fast', 'c', () => { throw new Error('x'); })).toThrow('x');
    const summary = metrics.summary();
    expect(summary).toMatchObject({ total: 21, successful: 20, failed: 1, dropped_records: 0 });
    expect(summary.success_rate).toBeCloseTo(20 / 21, 3);
    expect(summary.by_operation_type.fast).toMatchObject({ total: 20, successful: 19 });
    expect(summary.by_operation_type.slow.total).toBe(1);
    // 21 durations: the 95th percentile (nearest rank, the 20th) is below the slow one, the maximum.
    expect(summary.p95_duration_ms).toBeLessThan(summary.by_operation_type.slow.p95_duration_ms);
    expect(summary.by_operation_type.slow.average_duration_ms).toBeGreaterThanOrEqual(25);
    expect(summary.peak_memory_mb).toBeGreaterThan(1);
  });

  it('exports JSON and RFC 4180 CSV in which commas, quotes and newlines in metadata survive a round trip', () => {
    const metadata = { note: 'a, "quoted"\nsecond line\r\nthird', file: 'q3,final.xlsx', rows: 12, ok: true, none: null };
    metrics.measure('export', 'writer', () => undefined, metadata);
    metrics.measure('export', 'writer', () => undefined);
    const json = JSON.parse(metrics.exportOperations('json')) as { metadata: unknown }[];
    expect(json[0].metadata).toEqual(metadata);
    const csv = metrics.exportOperations('csv');
    expect(csv.split('\r\n')[0]).toBe(OPERATION_CSV_COLUMNS.join(','));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(JSON.parse(rows[0].metadata)).toEqual(metadata);
    expect(rows[0]).toMatchObject({ operation_name: 'export', component: 'writer', status: 'success', error: '' });
    expect(rows[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('GET /_telemetry/operations', () => {
  const appWith = async (operations: { endpoint?: boolean }, bearerToken?: string) => {
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'ops', metrics: { defaultMetrics: false, operations, bearerToken } })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    app.get(MetricsService).measure('import', 'loader', () => 1, { file: 'a,b.csv' });
    return app;
  };

  it('is off by default', async () => {
    const app = await appWith({});
    try {
      await request(app.getHttpServer()).get('/_telemetry/operations').expect(404);
    } finally {
      await app.close();
    }
  });

  it('serves the records and summary as JSON, and as CSV, behind the metrics token when one is set', async () => {
    const app = await appWith({ endpoint: true }, 's3cret');
    try {
      await request(app.getHttpServer()).get('/_telemetry/operations').expect(401);
      const json = await request(app.getHttpServer()).get('/_telemetry/operations').set('authorization', 'Bearer s3cret').expect(200);
      expect(json.body.summary).toMatchObject({ total: 1, successful: 1 });
      expect(json.body.records[0]).toMatchObject({ operation_name: 'import', metadata: { file: 'a,b.csv' } });
      const csv = await request(app.getHttpServer()).get('/_telemetry/operations?format=csv').set('authorization', 'Bearer s3cret').expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect((parse(csv.text, { columns: true }) as Record<string, string>[])[0].metadata).toBe('{"file":"a,b.csv"}');
    } finally {
      await app.close();
    }
  });
});
