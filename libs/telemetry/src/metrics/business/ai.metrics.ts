import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type TelemetryCounter } from '../metric-factory';

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
}

/**
 * `ai_requests_total{model,provider,status}`, `ai_tokens_total{model,token_type}` and
 * `ai_cost_usd_total{model}`. Opt-in: created when first used through `MetricsService`,
 * or when listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class AiMetrics {
  private readonly requests: TelemetryCounter<'model' | 'provider' | 'status'>;
  private readonly tokens: TelemetryCounter<'model' | 'token_type'>;
  private readonly cost: TelemetryCounter<'model'>;

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
  }

  /** One AI call: counted, its tokens and cost added. */
  record(request: AiRequestRecord): void {
    const { model, provider, status } = request;
    this.requests.inc({ model, provider, status });
    if (request.promptTokens) this.tokens.inc({ model, token_type: 'prompt' }, request.promptTokens);
    if (request.completionTokens) this.tokens.inc({ model, token_type: 'completion' }, request.completionTokens);
    if (request.costUsd) this.cost.inc({ model }, request.costUsd);
  }
}
