import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type TelemetryCounter, type TelemetryHistogram } from '../metric-factory';
import { BUSINESS_DURATION_BUCKETS } from '../metrics.constants';
import { traceExemplarOf } from '../sampled-trace-exemplar';

/** Outcomes of an AI request. @publicApi */
export const AI_REQUEST_STATUSES = ['success', 'error'] as const;
export type AiRequestStatus = (typeof AI_REQUEST_STATUSES)[number];

/** One AI (LLM) call, as `recordAiRequest` takes it. @publicApi */
export interface AiRequestRecord {
  model: string;
  provider: string;
  status: AiRequestStatus;
  promptTokens?: number;
  completionTokens?: number;
  /** Cost of the call in US dollars. */
  costUsd?: number;
  /** How long the call took; observed in `ai_request_duration_seconds`, with the trace as exemplar. */
  durationSeconds?: number;
}

/**
 * `ai_requests_total{model,provider,status}`, `ai_tokens_total{model,token_type}`,
 * `ai_cost_usd_total{model}` and `ai_request_duration_seconds{model,provider}` (with a
 * `trace_id` exemplar when recorded in a sampled span). Opt-in: created when first used through `MetricsService`,
 * or when listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class AiMetrics {
  private readonly requests: TelemetryCounter<'model' | 'provider' | 'status'>;
  private readonly tokens: TelemetryCounter<'model' | 'token_type'>;
  private readonly cost: TelemetryCounter<'model'>;
  private readonly duration: TelemetryHistogram<'model' | 'provider'>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.requests = factory.counter({
      name: 'ai_requests_total',
      help: 'AI model requests by model, provider and outcome',
      labelNames: ['model', 'provider', 'status'],
      labelValues: { status: AI_REQUEST_STATUSES },
    });
    this.tokens = factory.counter({
      name: 'ai_tokens_total',
      help: 'AI tokens used, by model and token type (prompt, completion)',
      labelNames: ['model', 'token_type'],
      labelValues: { token_type: ['prompt', 'completion'] },
    });
    this.cost = factory.counter({ name: 'ai_cost_usd_total', help: 'AI cost in US dollars, by model', labelNames: ['model'] });
    this.duration = factory.histogram({
      name: 'ai_request_duration_seconds',
      help: 'Duration of AI model requests',
      labelNames: ['model', 'provider'],
      buckets: BUSINESS_DURATION_BUCKETS,
      exemplars: true,
    });
  }

  /** One AI call: counted, its tokens and cost added. */
  record(request: AiRequestRecord): void {
    const { model, provider, status } = request;
    this.requests.inc({ model, provider, status });
    if (request.promptTokens) this.tokens.inc({ model, token_type: 'prompt' }, request.promptTokens);
    if (request.completionTokens) this.tokens.inc({ model, token_type: 'completion' }, request.completionTokens);
    if (request.costUsd) this.cost.inc({ model }, request.costUsd);
    if (request.durationSeconds !== undefined) this.duration.observe({ model, provider }, request.durationSeconds, traceExemplarOf());
  }
}
