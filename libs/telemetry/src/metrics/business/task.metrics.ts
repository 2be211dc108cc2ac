import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type TelemetryCounter, type TelemetryGauge, type TelemetryHistogram } from '../metric-factory';
import { BUSINESS_DURATION_BUCKETS } from '../metrics.constants';
import { traceExemplarOf } from '../sampled-trace-exemplar';

/** Outcomes of a task. @publicApi */
export const TASK_STATUSES = ['succeeded', 'failed', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * `task_executed_total{task_name,status}`, `task_duration_seconds{task_name}`,
 * `task_queue_length{queue}` and `task_retry_total{task_name}`. Opt-in: created when
 * first used through `MetricsService`, or when listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class TaskMetrics {
  private readonly executed: TelemetryCounter<'task_name' | 'status'>;
  private readonly duration: TelemetryHistogram<'task_name'>;
  private readonly queueLength: TelemetryGauge<'queue'>;
  private readonly retries: TelemetryCounter<'task_name'>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.executed = factory.counter({
      name: 'task_executed_total',
      help: 'Tasks executed by name and outcome',
      labelNames: ['task_name', 'status'],
      labelValues: { status: TASK_STATUSES },
    });
    this.duration = factory.histogram({
      name: 'task_duration_seconds',
      help: 'Duration of tasks',
      labelNames: ['task_name'],
      buckets: BUSINESS_DURATION_BUCKETS,
      exemplars: true,
    });
    this.queueLength = factory.gauge({ name: 'task_queue_length', help: 'Tasks waiting, by queue', labelNames: ['queue'] });
    this.retries = factory.counter({ name: 'task_retry_total', help: 'Task retries by task name', labelNames: ['task_name'] });
  }

  /** One finished task: counted by name and status, its duration observed. */
  record(taskName: string, status: TaskStatus, durationSeconds: number): void {
    this.executed.inc({ task_name: taskName, status });
    this.duration.observe({ task_name: taskName }, durationSeconds, traceExemplarOf());
  }

  /** A task is tried again. */
  recordRetry(taskName: string): void {
    this.retries.inc({ task_name: taskName });
  }

  /** Tasks waiting in a queue now. */
  setQueueLength(queue: string, length: number): void {
    this.queueLength.set({ queue }, length);
  }
}
