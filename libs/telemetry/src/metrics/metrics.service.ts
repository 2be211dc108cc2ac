import { Inject, Injectable } from '@nestjs/common';
import { OperationRecorder } from '../operations/operation-recorder';
import type { OperationMetadata, OperationRecord, OperationsSummary } from '../operations/operation-record';
import { AiMetrics, type AiRequestRecord } from './business/ai.metrics';
import { ApiKeyMetrics, type ApiKeyUsage } from './business/api-key.metrics';
import { SessionMetrics } from './business/session.metrics';
import type { CacheResult } from './business/operation.metrics';
import { TaskMetrics, type TaskStatus } from './business/task.metrics';
import { WorkflowMetrics, type WorkflowStatus } from './business/workflow.metrics';
import { MetricFactory, type HistogramDefinition, type MetricDefinition, type TelemetryCounter, type TelemetryGauge, type TelemetryHistogram } from './metric-factory';

/**
 * Business metrics for providers: workflows, AI usage, tasks, and your own counters,
 * gauges and histograms. Every metric carries `environment`, `project` and `service`;
 * label values are guarded so a stray value cannot create unbounded series.
 *
 * The workflow, AI and task metric groups are opt-in: each is created on its first
 * use, so an app that records no workflow exposes no workflow series.
 *
 * ```ts
 * constructor(private readonly metrics: MetricsService) {}
 * this.metrics.recordWorkflowExecution('etl', 'completed', 1.2);
 * ```
 * @publicApi
 */
@Injectable()
export class MetricsService {
  private workflowMetrics?: WorkflowMetrics;
  private aiMetrics?: AiMetrics;
  private taskMetrics?: TaskMetrics;
  private sessionMetrics?: SessionMetrics;
  private apiKeyMetrics?: ApiKeyMetrics;

  constructor(
    @Inject(MetricFactory) private readonly factory: MetricFactory,
    @Inject(OperationRecorder) private readonly operations: OperationRecorder,
  ) {}

  /**
   * Runs `fn` as a measured operation: a span named `name`, `operations_total` and
   * `operation_duration_seconds` by type and component, the heap delta, and an
   * `OperationRecord`. Returns what `fn` returns; a promise or Observable is measured to
   * its end, a throw or rejection is a `failure` and is rethrown. `@Measured()` does the same for a method.
   */
  measure<T>(name: string, component: string, fn: () => T, metadata?: OperationMetadata): T {
    return this.operations.measure(name, component, fn, metadata);
  }

  /** A component's data quality score, a finite number in [0, 1] (`data_quality_score`); anything else throws and records nothing. */
  recordDataQuality(component: string, score: number): void {
    this.operations.recordDataQuality(component, score);
  }

  /** A cache lookup's result (`cache_operations_total`). */
  recordCacheOperation(component: string, operation: string, result: CacheResult): void {
    this.operations.recordCacheOperation(component, operation, result);
  }

  /** Data processed, in a unit of your choice (`data_processed_total`). */
  recordDataProcessed(component: string, unit: string, count: number): void {
    this.operations.recordDataProcessed(component, unit, count);
  }

  /** The operation records in the buffer, oldest first. */
  operationRecords(): OperationRecord[] {
    return this.operations.records();
  }

  /** Totals, success rate, average and p95 duration, peak memory, per operation type. */
  summary(): OperationsSummary {
    return this.operations.summary();
  }

  /** The operation records as JSON, or as CSV (RFC 4180; metadata one JSON-encoded column). */
  exportOperations(format: 'json' | 'csv'): string {
    return format === 'csv' ? this.operations.toCsv() : this.operations.toJson();
  }

  /** The workflow metrics (created now if this is their first use). */
  get workflows(): WorkflowMetrics {
    return (this.workflowMetrics ??= new WorkflowMetrics(this.factory));
  }

  /** The AI usage metrics (created now if this is their first use). */
  get ai(): AiMetrics {
    return (this.aiMetrics ??= new AiMetrics(this.factory));
  }

  /** The task metrics (created now if this is their first use). */
  get tasks(): TaskMetrics {
    return (this.taskMetrics ??= new TaskMetrics(this.factory));
  }

  /** The session metrics (created now if this is their first use). */
  get sessions(): SessionMetrics {
    return (this.sessionMetrics ??= new SessionMetrics(this.factory));
  }

  /** The API key metrics (created now if this is their first use). */
  get apiKeys(): ApiKeyMetrics {
    return (this.apiKeyMetrics ??= new ApiKeyMetrics(this.factory));
  }

  /** A user session opened (`active_sessions`); call the returned function once when it ends. */
  trackActiveSession(): () => void {
    return this.sessions.trackActive();
  }

  /** One request made with an API key: counted under a hash of the key (`api_key_usage_total`), never the key. */
  recordApiKeyUsage(apiKey: string, usage: ApiKeyUsage): void {
    this.apiKeys.record(apiKey, usage);
  }

  /** One finished workflow: counted by type and status, its duration observed. */
  recordWorkflowExecution(workflowType: string, status: WorkflowStatus, durationSeconds: number): void {
    this.workflows.record(workflowType, status, durationSeconds);
  }

  /** Marks a workflow running; call the returned function once when it ends. */
  trackActiveWorkflow(): () => void {
    return this.workflows.trackActive();
  }

  /** One AI call: counted, its tokens and cost added. */
  recordAiRequest(request: AiRequestRecord): void {
    this.ai.record(request);
  }

  /** One finished task: counted by name and status, its duration observed. */
  recordTask(taskName: string, status: TaskStatus, durationSeconds: number): void {
    this.tasks.record(taskName, status, durationSeconds);
  }

  /** A task is tried again. */
  recordTaskRetry(taskName: string): void {
    this.tasks.recordRetry(taskName);
  }

  /** Tasks waiting in a queue now. */
  setQueueLength(queue: string, length: number): void {
    this.tasks.setQueueLength(queue, length);
  }

  /** Your own counter (name it `…_total`), with the standard labels and guarded label values. */
  counter<L extends string = never>(definition: MetricDefinition<L>): TelemetryCounter<L> {
    return this.factory.counter(definition);
  }

  /** Your own gauge, with the standard labels and guarded label values. */
  gauge<L extends string = never>(definition: MetricDefinition<L>): TelemetryGauge<L> {
    return this.factory.gauge(definition);
  }

  /** Your own histogram (put the unit in the name, e.g. `…_seconds`). */
  histogram<L extends string = never>(definition: HistogramDefinition<L>): TelemetryHistogram<L> {
    return this.factory.histogram(definition);
  }
}
