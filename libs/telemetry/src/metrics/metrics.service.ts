import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type HistogramDefinition, type MetricDefinition, type TelemetryCounter, type TelemetryGauge, type TelemetryHistogram } from './metric-factory';
import { BUSINESS_DURATION_BUCKETS } from './metrics.constants';

/** Outcomes the workflow metrics accept; anything else is recorded as `other`. @publicApi */
export const WORKFLOW_STATUSES = ['completed', 'failed', 'cancelled', 'timeout'] as const;
/** Outcomes of an AI request. @publicApi */
export const AI_REQUEST_STATUSES = ['success', 'error'] as const;
/** Outcomes of a task. @publicApi */
export const TASK_STATUSES = ['succeeded', 'failed', 'skipped'] as const;

export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
export type AiRequestStatus = (typeof AI_REQUEST_STATUSES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** One AI (LLM) call, as `recordAiRequest` takes it. @publicApi */
export interface AiRequestRecord {
  model: string;
  provider: string;
  status: AiRequestStatus;
  promptTokens?: number;
  completionTokens?: number;
  /** Cost of the call in US dollars. */
  costUsd?: number;
}

/**
 * Business metrics for providers: workflows, AI usage, tasks, and your own counters,
 * gauges and histograms. Every metric carries `environment`, `project` and `service`;
 * label values are guarded so a stray value cannot create unbounded series.
 *
 * ```ts
 * constructor(private readonly metrics: MetricsService) {}
 * this.metrics.recordWorkflowExecution('etl', 'completed', 1.2);
 * ```
 * @publicApi
 */
@Injectable()
export class MetricsService {
  private readonly workflowExecutions: TelemetryCounter<'workflow_type' | 'status'>;
  private readonly workflowDuration: TelemetryHistogram<'workflow_type'>;
  private readonly activeWorkflows: TelemetryGauge<never>;
  private readonly aiRequests: TelemetryCounter<'model' | 'provider' | 'status'>;
  private readonly aiTokens: TelemetryCounter<'model' | 'token_type'>;
  private readonly aiCost: TelemetryCounter<'model'>;
  private readonly tasksExecuted: TelemetryCounter<'task_name' | 'status'>;
  private readonly taskDuration: TelemetryHistogram<'task_name'>;
  private readonly taskQueueLength: TelemetryGauge<'queue'>;
  private readonly taskRetries: TelemetryCounter<'task_name'>;

  constructor(@Inject(MetricFactory) private readonly factory: MetricFactory) {
    this.workflowExecutions = factory.counter({
      name: 'workflow_executions_total',
      help: 'Workflow executions by type and outcome',
      labelNames: ['workflow_type', 'status'],
      labelValues: { status: WORKFLOW_STATUSES },
    });
    this.workflowDuration = factory.histogram({
      name: 'workflow_duration_seconds',
      help: 'Duration of workflow executions',
      labelNames: ['workflow_type'],
      buckets: BUSINESS_DURATION_BUCKETS,
    });
    this.activeWorkflows = factory.gauge({ name: 'active_workflows', help: 'Workflows currently running' });
    this.aiRequests = factory.counter({
      name: 'ai_requests_total',
      help: 'AI model requests by model, provider and outcome',
      labelNames: ['model', 'provider', 'status'],
      labelValues: { status: AI_REQUEST_STATUSES },
    });
    this.aiTokens = factory.counter({
      name: 'ai_tokens_total',
      help: 'AI tokens used, by model and token type (prompt, completion)',
      labelNames: ['model', 'token_type'],
      labelValues: { token_type: ['prompt', 'completion'] },
    });
    this.aiCost = factory.counter({ name: 'ai_cost_usd_total', help: 'AI cost in US dollars, by model', labelNames: ['model'] });
    this.tasksExecuted = factory.counter({
      name: 'task_executed_total',
      help: 'Tasks executed by name and outcome',
      labelNames: ['task_name', 'status'],
      labelValues: { status: TASK_STATUSES },
    });
    this.taskDuration = factory.histogram({
      name: 'task_duration_seconds',
      help: 'Duration of tasks',
      labelNames: ['task_name'],
      buckets: BUSINESS_DURATION_BUCKETS,
    });
    this.taskQueueLength = factory.gauge({ name: 'task_queue_length', help: 'Tasks waiting, by queue', labelNames: ['queue'] });
    this.taskRetries = factory.counter({ name: 'task_retry_total', help: 'Task retries by task name', labelNames: ['task_name'] });
  }

  /** One finished workflow: counted by type and status, its duration observed. */
  recordWorkflowExecution(workflowType: string, status: WorkflowStatus, durationSeconds: number): void {
    this.workflowExecutions.inc({ workflow_type: workflowType, status });
    this.workflowDuration.observe({ workflow_type: workflowType }, durationSeconds);
  }

  /** Marks a workflow running; call the returned function once when it ends. */
  trackActiveWorkflow(): () => void {
    this.activeWorkflows.inc();
    let done = false;
    return () => {
      if (!done) this.activeWorkflows.dec();
      done = true;
    };
  }

  /** One AI call: counted, its tokens and cost added. */
  recordAiRequest(request: AiRequestRecord): void {
    const { model, provider, status } = request;
    this.aiRequests.inc({ model, provider, status });
    if (request.promptTokens) this.aiTokens.inc({ model, token_type: 'prompt' }, request.promptTokens);
    if (request.completionTokens) this.aiTokens.inc({ model, token_type: 'completion' }, request.completionTokens);
    if (request.costUsd) this.aiCost.inc({ model }, request.costUsd);
  }

  /** One finished task: counted by name and status, its duration observed. */
  recordTask(taskName: string, status: TaskStatus, durationSeconds: number): void {
    this.tasksExecuted.inc({ task_name: taskName, status });
    this.taskDuration.observe({ task_name: taskName }, durationSeconds);
  }

  /** A task is tried again. */
  recordTaskRetry(taskName: string): void {
    this.taskRetries.inc({ task_name: taskName });
  }

  /** Tasks waiting in a queue now. */
  setQueueLength(queue: string, length: number): void {
    this.taskQueueLength.set({ queue }, length);
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
