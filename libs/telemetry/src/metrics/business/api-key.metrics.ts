import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MetricFactory, type TelemetryCounter } from '../metric-factory';

/** One use of an API key, as `recordApiKeyUsage` takes it. @publicApi */
export interface ApiKeyUsage {
  /** The route template used (`/api/v1/workflows`), never a raw path. */
  endpoint: string;
  success: boolean;
  /** The client the key belongs to, when the app knows it. */
  clientName?: string;
}

/**
 * The label a key is counted under: 12 hex characters of its SHA-256. Stable, so a key's
 * usage can be followed and matched against a key store's own hash, and never the key:
 * 48 bits of a hash of a high-entropy key tell nothing usable about it.
 * @publicApi
 */
export function apiKeyId(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 12);
}

/**
 * `api_key_usage_total{api_key_id,client_name,endpoint,success}`: API key usage, by a
 * hash of the key (apiKeyId), never the key itself; label values are capped like every
 * other metric's, so a flood of random keys folds into `other`. Opt-in: created when
 * first used through `MetricsService`, or listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class ApiKeyMetrics {
  private readonly usage: TelemetryCounter<'api_key_id' | 'client_name' | 'endpoint' | 'success'>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.usage = factory.counter({
      name: 'api_key_usage_total',
      help: 'API key usage by key (a hash of it), client, endpoint and outcome',
      labelNames: ['api_key_id', 'client_name', 'endpoint', 'success'],
      labelValues: { success: ['true', 'false'] },
    });
  }

  /** One request made with `apiKey`. */
  record(apiKey: string, usage: ApiKeyUsage): void {
    this.usage.inc({ api_key_id: apiKeyId(apiKey), client_name: usage.clientName ?? '', endpoint: usage.endpoint, success: String(usage.success === true) });
  }
}
