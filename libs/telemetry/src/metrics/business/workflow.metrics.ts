import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type TelemetryCounter, type TelemetryGauge, type TelemetryHistogram } from '../metric-factory';
import { BUSINESS_DURATION_BUCKETS } from '../metrics.constants';
import { traceExemplarOf } from '../sampled-trace-exemplar';
import { trackActive } from './track-active';

/** Outcomes the workflow metrics accept; anything else is recorded as `other`. @publicApi */
export const WORKFLOW_STATUSES = ['completed', 'failed', 'cancelled', 'timeout'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/**
 * `workflow_executions_total{workflow_type,status}`, `workflow_duration_seconds{workflow_type}`
 * and `active_workflows`. Opt-in: created when first used through `MetricsService`, or
 * when listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class WorkflowMetrics {
  private readonly executions: TelemetryCounter<'workflow_type' | 'status'>;
  private readonly duration: TelemetryHistogram<'workflow_type'>;
  private readonly active: TelemetryGauge<never>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.executions = factory.counter({
      name: 'workflow_executions_total',
      help: 'Workflow executions by type and outcome',
      labelNames: ['workflow_type', 'status'],
      labelValues: { status: WORKFLOW_STATUSES },
    });
    this.duration = factory.histogram({
      name: 'workflow_duration_seconds',
      help: 'Duration of workflow executions',
      labelNames: ['workflow_type'],
      buckets: BUSINESS_DURATION_BUCKETS,
      exemplars: true,
    });
    this.active = factory.gauge({ name: 'active_workflows', help: 'Workflows currently running' });
  }

  /** One finished workflow: counted by type and status, its duration observed. */
  record(workflowType: string, status: WorkflowStatus, durationSeconds: number): void {
    this.executions.inc({ workflow_type: workflowType, status });
    this.duration.observe({ workflow_type: workflowType }, durationSeconds, traceExemplarOf());
  }

  /** Marks a workflow running; call the returned function once when it ends. */
  trackActive(): () => void {
    return trackActive(this.active);
  }
}
