import type { Provider } from '@nestjs/common';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { MetricFactory } from './metric-factory';
import { MetricsExposition } from './metrics-exposition';
import { TELEMETRY_METRICS_REGISTRY } from './metrics.constants';

/** `environment`, `project` and `service`, from the options. @internal */
export function standardLabels(options: ResolvedTelemetryOptions): Record<string, string> {
  return { environment: options.environment, project: options.project, service: options.serviceName };
}

/**
 * One registry per app, not prom-client's global one: two apps in one process (tests,
 * a hybrid app) each keep their own series and labels, and nothing is registered twice.
 * @internal
 */
export const metricsProviders: Provider[] = [
  {
    provide: TELEMETRY_METRICS_REGISTRY,
    inject: [TELEMETRY_OPTIONS],
    useFactory: (options: ResolvedTelemetryOptions) => {
      const registry = new Registry<OpenMetricsContentType>();
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      registry.setDefaultLabels(standardLabels(options));
      return registry;
    },
  },
  {
    provide: MetricFactory,
    inject: [TELEMETRY_METRICS_REGISTRY, TELEMETRY_OPTIONS],
    useFactory: (registry: Registry<OpenMetricsContentType>, options: ResolvedTelemetryOptions) => new MetricFactory(registry, options.metrics.maxLabelValues),
  },
  {
    provide: MetricsExposition,
    inject: [TELEMETRY_METRICS_REGISTRY, TELEMETRY_OPTIONS],
    useFactory: (registry: Registry<OpenMetricsContentType>, options: ResolvedTelemetryOptions) =>
      new MetricsExposition(registry, options, standardLabels(options)),
  },
];
