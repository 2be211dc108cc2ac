import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { collectDefaultMetrics, register, Registry, type OpenMetricsContentType } from 'prom-client';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { HttpMetrics } from './http-metrics';
import { MetricsExposition } from './metrics-exposition';
import { MetricsServer } from './metrics-server';
import { observeAppServer } from '../http/http-request-observer';
import { TELEMETRY_METRICS_REGISTRY } from './metrics.constants';
import { standardLabels } from './metrics-registry.provider';

/**
 * Starts what metrics need in lifecycle hooks, never at import time, and undoes it
 * on shutdown: default metrics on the app's registry, the HTTP metrics hook on the
 * app's server, the separate metrics listener.
 * @internal
 */
@Injectable()
export class MetricsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private stopObserving: (() => void) | undefined;
  private metricsServer: MetricsServer | undefined;

  constructor(
    @Inject(TELEMETRY_METRICS_REGISTRY) private readonly registry: Registry<OpenMetricsContentType>,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(HttpMetrics) private readonly httpMetrics: HttpMetrics,
    @Inject(MetricsExposition) private readonly exposition: MetricsExposition,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The separate metrics listener's URL, when `metrics.port` is set. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  onModuleInit(): void {
    if (!this.options.metrics.enabled) return;
    if (this.options.metrics.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    // Metrics that users declare with @InjectMetric live on prom-client's global
    // registry; served beside ours, they need the same labels and format.
    const globalRegistry = register as unknown as Registry<OpenMetricsContentType>;
    globalRegistry.setDefaultLabels(standardLabels(this.options));
    globalRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.metrics.enabled) return;
    this.stopObserving = observeAppServer(this.adapterHost, this.httpMetrics);
    if (this.options.metrics.port !== undefined) {
      this.metricsServer = new MetricsServer(this.exposition);
      await this.metricsServer.listen(this.options.metrics.port, this.options.metrics.host);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopObserving?.();
    await this.metricsServer?.close();
    this.registry.clear();
  }
}
