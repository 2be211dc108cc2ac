import { Inject, Injectable } from '@nestjs/common';
import { AiMetrics, type AiRequestRecord } from './business/ai.metrics';
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

  constructor(@Inject(MetricFactory) private readonly factory: MetricFactory) {}

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
