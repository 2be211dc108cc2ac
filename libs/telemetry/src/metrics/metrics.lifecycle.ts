import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry, OpenMetricsContentType } from 'prom-client';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryRuntime } from '../sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from '../telemetry.constants';
import { registerSpanExportMetrics } from './span-export.metrics';
import { startDefaultMetrics } from './default-metrics';
import { MetricsExposition } from './metrics-exposition';
import { MetricsServer } from './metrics-server';
import { TELEMETRY_METRICS_REGISTRY } from './metrics.constants';

/**
 * Starts what metrics need in lifecycle hooks, never at import time, and undoes all of
 * it on shutdown: default metrics (and their observers) on the app's registry, the
 * separate metrics listener. prom-client's global registry is never touched.
 * @internal
 */
@Injectable()
export class MetricsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private metricsServer: MetricsServer | undefined;
  private stopDefaultMetrics: (() => void) | undefined;

  constructor(
    @Inject(TELEMETRY_METRICS_REGISTRY) private readonly registry: Registry<OpenMetricsContentType>,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(MetricsExposition) private readonly exposition: MetricsExposition,
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
  ) {}

  /** The separate metrics listener's URL, when `metrics.port` is set. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  onModuleInit(): void {
    if (!this.options.metrics.enabled) return;
    if (this.options.metrics.defaultMetrics) this.stopDefaultMetrics = startDefaultMetrics(this.registry);
    if (this.runtime.exportMonitor) registerSpanExportMetrics(this.registry, this.runtime.exportMonitor);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.metrics.enabled || this.options.metrics.port === undefined) return;
    this.metricsServer = new MetricsServer(this.exposition);
    await this.metricsServer.listen(this.options.metrics.port, this.options.metrics.host);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopDefaultMetrics?.();
    this.stopDefaultMetrics = undefined;
    await this.metricsServer?.close();
    this.registry.clear();
  }
}
