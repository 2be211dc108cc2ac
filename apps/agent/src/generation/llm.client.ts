import { Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { sleep } from '@samples/kit';
import { MetricsService, TraceService, Traced } from 'nest-telemetry';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

export interface Completion {
  model: string;
  provider: string;
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number };
}

const MODEL = 'gpt-4o-mini';
const PROVIDER = 'openai';
// List prices of the simulated model, US dollars per 1,000 tokens.
const PROMPT_USD_PER_1K = 0.00015;
const COMPLETION_USD_PER_1K = 0.0006;

/** A simulated LLM: a little latency and token counts that grow with the prompt. */
@Injectable()
export class LlmClient {
  constructor(
    private readonly traces: TraceService,
    private readonly metrics: MetricsService,
    @InjectPinoLogger(LlmClient.name) private readonly logger: PinoLogger,
  ) {}

  @Traced({ name: 'chat gpt-4o-mini', kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': PROVIDER, 'gen_ai.request.model': MODEL } })
  async complete(prompt: string): Promise<Completion> {
    await sleep(20 + Math.floor(Math.random() * 30));
    const usage = { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 40 + Math.floor(Math.random() * 60) };
    this.traces.setAttributes({
      'gen_ai.response.model': MODEL,
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
    });
    this.metrics.recordAiRequest({
      model: MODEL,
      provider: PROVIDER,
      status: 'success',
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      costUsd: (usage.prompt_tokens * PROMPT_USD_PER_1K + usage.completion_tokens * COMPLETION_USD_PER_1K) / 1000,
    });
    this.logger.info({ operation: { name: 'llm.complete', result: 'success' }, model: MODEL, ...usage }, 'completion generated');
    return { model: MODEL, provider: PROVIDER, text: prompt, usage };
  }
}
