import { register as globalRegistry, Registry, type Metric, type OpenMetricsContentType } from 'prom-client';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { BearerToken } from '../security/bearer-token';
import { openMetricsToClassic } from './openmetrics-to-classic';

/** What `/metrics` answers. @internal */
export interface MetricsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const OPENMETRICS = 'application/openmetrics-text';

/** A metric as a registry holds it (prom-client types the two views apart). */
type RegisteredMetric = Metric & { name: string };

/**
 * Renders `/metrics`: the app's registry, plus metrics users registered on
 * prom-client's global registry (`@InjectMetric` providers of @willsoto/nestjs-prometheus),
 * all with the app's standard labels.
 * OpenMetrics (with exemplars) when the scraper's Accept asks for it, the classic text
 * format otherwise; 401 without the configured bearer token.
 * @internal
 */
export class MetricsExposition {
  private readonly token: BearerToken | undefined;

  constructor(
    private readonly registry: Registry<OpenMetricsContentType>,
    options: ResolvedTelemetryOptions,
    private readonly defaultLabels: Record<string, string>,
  ) {
    this.token = options.metrics.bearerToken === undefined ? undefined : new BearerToken(options.metrics.bearerToken);
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

  /**
   * The app's registry, then the families of prom-client's global registry it does not
   * have (metrics users declared with `makeCounterProvider()` & co.), one OpenMetrics
   * document with one family per name: a scrape with a duplicate family is rejected
   * whole by Prometheus. The global registry is read, never changed.
   */
  private async openMetrics(): Promise<string> {
    const own = this.registry.getMetricsAsArray() as unknown as RegisteredMetric[];
    const shared = globalRegistry.getMetricsAsArray() as unknown as RegisteredMetric[];
    if (shared.length === 0 || (globalRegistry as unknown) === this.registry) return this.registry.metrics();
    const names = new Set(own.map((metric) => familyName(metric.name)));
    const scrape = new Registry<OpenMetricsContentType>();
    scrape.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    scrape.setDefaultLabels(this.defaultLabels);
    for (const metric of own) scrape.registerMetric(metric);
    for (const metric of shared) {
      // prom-client renames counters in place while it renders OpenMetrics; a view
      // takes the rename, so the user's own rendering of the global registry is unchanged.
      if (!names.has(familyName(metric.name))) scrape.registerMetric(Object.create(metric) as typeof metric);
    }
    return scrape.metrics();
  }

  private authorized(authorization: string | undefined): boolean {
    if (!this.token) return true;
    return this.token.authorizes(authorization);
  }
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `foo_total` and `foo` are one counter family (prom-client strips the suffix while rendering). */
function familyName(name: string): string {
  return name.replace(/_total$/, '');
}
