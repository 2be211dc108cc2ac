import { timingSafeEqual } from 'node:crypto';
import { register as globalRegistry, Registry, type OpenMetricsContentType } from 'prom-client';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { openMetricsToClassic } from './openmetrics-to-classic';

/** What `/metrics` answers. @internal */
export interface MetricsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const OPENMETRICS = 'application/openmetrics-text';

/**
 * Renders `/metrics`: the app's registry, plus metrics users registered on
 * prom-client's global registry (`@InjectMetric` providers of @willsoto/nestjs-prometheus).
 * OpenMetrics (with exemplars) when the scraper's Accept asks for it, the classic text
 * format otherwise; 401 without the configured bearer token.
 * @internal
 */
export class MetricsExposition {
  private readonly token: Buffer | undefined;

  constructor(
    private readonly registry: Registry<OpenMetricsContentType>,
    options: ResolvedTelemetryOptions,
  ) {
    this.token = options.metrics.bearerToken === undefined ? undefined : Buffer.from(options.metrics.bearerToken);
  }

  /** The scrape's answer, from its request headers (`accept`, `authorization`). */
  async render(headers: Record<string, string | string[] | undefined>): Promise<MetricsResponse> {
    const accept = joined(headers.accept);
    const authorization = joined(headers.authorization);
    if (!this.authorized(authorization)) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }, body: 'Unauthorized\n' };
    }
    const openMetrics = await this.openMetrics();
    if (accept?.includes(OPENMETRICS)) {
      return { status: 200, headers: { 'content-type': Registry.OPENMETRICS_CONTENT_TYPE }, body: openMetrics };
    }
    return { status: 200, headers: { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }, body: openMetricsToClassic(openMetrics) };
  }

  private async openMetrics(): Promise<string> {
    const own = await this.registry.metrics();
    if (globalRegistry.getMetricsAsArray().length === 0 || (globalRegistry as unknown) === this.registry) return own;
    const shared = await globalRegistry.metrics();
    // Two OpenMetrics documents become one: a single `# EOF`, at the end.
    return `${own.replace(/# EOF\n?$/, '')}${shared}`;
  }

  private authorized(authorization: string | undefined): boolean {
    if (!this.token) return true;
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
