import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CACHE_RESULTS, OperationMetrics, type CacheResult } from '../metrics/business/operation.metrics';
import { MetricFactory } from '../metrics/metric-factory';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { runInSpan } from '../tracing/run-in-span';
import { traceIdOf } from '../tracking-id/tracking-id';
import { InvalidOperationInputError } from './invalid-operation-input.error';
import { OperationLog } from './operation-log';
import type { OperationMetadata, OperationRecord, OperationsSummary } from './operation-record';
import { operationSpanOptions } from './operation-span';

const MB = 1024 * 1024;

// `@Measured()` runs outside DI; it records through the recorder of the running app.
let active: OperationRecorder | undefined;

/** The recorder `@Measured()` methods record to: the running app's. @internal */
export function activeOperationRecorder(): OperationRecorder | undefined {
  return active;
}

/**
 * Measured operations (seed 004): each run is a span (named after the operation, as
 * `@Traced()` names its spans), a count and a duration by operation type and component,
 * the heap delta, and an `OperationRecord` in a bounded buffer, exportable to JSON and
 * CSV. Reached through `MetricsService` and `@Measured()`.
 * @internal
 */
@Injectable()
export class OperationRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly log: OperationLog;
  private operationMetrics?: OperationMetrics;

  constructor(
    @Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions,
    @Inject(MetricFactory) private readonly factory: MetricFactory,
  ) {
    this.log = new OperationLog(options.metrics.operations.bufferSize);
  }

  onModuleInit(): void {
    active = this;
  }

  onApplicationShutdown(): void {
    if (active === this) active = undefined;
  }

  private get metrics(): OperationMetrics {
    return (this.operationMetrics ??= new OperationMetrics(this.factory));
  }

  /** Runs `fn` as a measured operation and returns what it returns (a promise or Observable is measured to its end). */
  measure<T>(name: string, component: string, fn: () => T, metadata: OperationMetadata = {}): T {
    if (typeof name !== 'string' || name === '') throw new InvalidOperationInputError('measure', 'the operation name must be a non-empty string', name);
    if (typeof component !== 'string' || component === '') throw new InvalidOperationInputError('measure', 'the component must be a non-empty string', component);
    const startedAt = new Date();
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    return runInSpan(name, operationSpanOptions(name, component), fn, (span, failed, error) => {
      const heapAfter = process.memoryUsage().heapUsed;
      const durationMs = performance.now() - started;
      const spanContext = span.spanContext();
      this.metrics.recordOperation(name, component, !failed, durationMs / 1000, spanContext);
      const droppedBefore = this.log.droppedCount;
      this.log.add(
        {
          operation_id: randomUUID(),
          operation_name: name,
          component,
          started_at: startedAt.toISOString(),
          duration_ms: Math.round(durationMs * 1000) / 1000,
          status: failed ? 'failure' : 'success',
          error: failed ? (error instanceof Error ? error.message : String(error)).slice(0, 1000) : null,
          memory_delta_mb: Math.round(((heapAfter - heapBefore) / MB) * 1000) / 1000,
          metadata: { ...metadata },
          trace_id: traceIdOf(span) ?? null,
        },
        heapAfter / MB,
      );
      if (this.log.droppedCount > droppedBefore) this.metrics.recordDroppedRecord();
    });
  }

  /** The latest data quality score of a component; it must be a finite number in [0, 1]. */
  recordDataQuality(component: string, score: number): void {
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) {
      throw new InvalidOperationInputError('recordDataQuality', 'the score must be a finite number between 0 and 1', score);
    }
    this.metrics.setDataQuality(component, score);
  }

  recordCacheOperation(component: string, operation: string, result: CacheResult): void {
    if (!(CACHE_RESULTS as readonly unknown[]).includes(result)) {
      throw new InvalidOperationInputError('recordCacheOperation', 'the result must be "hit" or "miss"', result);
    }
    this.metrics.recordCache(component, operation, result);
  }

  recordDataProcessed(component: string, unit: string, count: number): void {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new InvalidOperationInputError('recordDataProcessed', 'the count must be a finite number of at least 0', count);
    }
    this.metrics.addProcessed(component, unit, count);
  }

  records(): OperationRecord[] {
    return this.log.all();
  }

  summary(): OperationsSummary {
    return this.log.summary();
  }

  toJson(): string {
    return this.log.toJson();
  }

  toCsv(): string {
    return this.log.toCsv();
  }
}
