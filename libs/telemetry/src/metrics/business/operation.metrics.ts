import { Inject, Injectable } from '@nestjs/common';
import type { SpanContext } from '@opentelemetry/api';
import { MetricFactory, type TelemetryCounter, type TelemetryGauge, type TelemetryHistogram } from '../metric-factory';
import { BUSINESS_DURATION_BUCKETS } from '../metrics.constants';
import { traceExemplarOf } from '../sampled-trace-exemplar';

/** Outcomes of a cache lookup. @publicApi */
export const CACHE_RESULTS = ['hit', 'miss'] as const;
export type CacheResult = (typeof CACHE_RESULTS)[number];

/**
 * The seeds' operation metrics: `operations_total{operation_type,component,status}`,
 * `operation_duration_seconds{operation_type,component}`, `data_quality_score{component}`,
 * `cache_operations_total{component,operation,result}`, `data_processed_total{component,unit}`
 * and `operation_records_dropped_total`. Opt-in like the other business groups.
 * @publicApi
 */
@Injectable()
export class OperationMetrics {
  private readonly operations: TelemetryCounter<'operation_type' | 'component' | 'status'>;
  private readonly duration: TelemetryHistogram<'operation_type' | 'component'>;
  private readonly quality: TelemetryGauge<'component'>;
  private readonly cache: TelemetryCounter<'component' | 'operation' | 'result'>;
  private readonly processed: TelemetryCounter<'component' | 'unit'>;
  private readonly droppedRecords: TelemetryCounter<never>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.operations = factory.counter({
      name: 'operations_total',
      help: 'Measured operations by type, component and outcome',
      labelNames: ['operation_type', 'component', 'status'],
      labelValues: { status: ['success', 'failure'] },
    });
    this.duration = factory.histogram({
      name: 'operation_duration_seconds',
      help: 'Duration of measured operations',
      labelNames: ['operation_type', 'component'],
      buckets: BUSINESS_DURATION_BUCKETS,
      exemplars: true,
    });
    this.quality = factory.gauge({ name: 'data_quality_score', help: 'Latest data quality score (0 to 1) by component', labelNames: ['component'] });
    this.cache = factory.counter({
      name: 'cache_operations_total',
      help: 'Cache lookups by component, operation and result',
      labelNames: ['component', 'operation', 'result'],
      labelValues: { result: CACHE_RESULTS },
    });
    this.processed = factory.counter({ name: 'data_processed_total', help: 'Data processed by component, in the given unit', labelNames: ['component', 'unit'] });
    this.droppedRecords = factory.counter({ name: 'operation_records_dropped_total', help: 'Operation records dropped from the full in-memory buffer' });
  }

  /** One finished operation; its span (when sampled) becomes the duration's exemplar. */
  recordOperation(operationType: string, component: string, success: boolean, durationSeconds: number, spanContext?: SpanContext): void {
    this.operations.inc({ operation_type: operationType, component, status: success ? 'success' : 'failure' });
    this.duration.observe({ operation_type: operationType, component }, durationSeconds, traceExemplarOf(spanContext));
  }

  setDataQuality(component: string, score: number): void {
    this.quality.set({ component }, score);
  }

  recordCache(component: string, operation: string, result: CacheResult): void {
    this.cache.inc({ component, operation, result });
  }

  addProcessed(component: string, unit: string, count: number): void {
    this.processed.inc({ component, unit }, count);
  }

  recordDroppedRecord(): void {
    this.droppedRecords.inc();
  }
}
