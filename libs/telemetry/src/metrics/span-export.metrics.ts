import { Counter, Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import type { SpanExportMonitor, SpanExportStats } from '../sdk/span-export-monitor';

type CountedOutcome = 'exported' | 'failed' | 'dropped';

const COUNTERS: Record<CountedOutcome, { name: string; help: string }> = {
  exported: { name: 'otel_export_exported_spans', help: 'Spans the OTLP endpoint accepted' },
  failed: { name: 'otel_export_failed_spans', help: 'Spans lost in failed exports (collector down, refused or timing out)' },
  dropped: { name: 'otel_export_dropped_spans', help: 'Spans dropped because the export queue was full' },
};

/**
 * The span export's health on the app's registry, read from the runtime's monitor at
 * scrape time (nothing is counted twice, nothing on the request path):
 * `otel_export_{exported,failed,dropped}_spans_total`, `otel_export_queue_spans` and
 * `otel_export_queue_capacity_spans`. An alert on `rate(otel_export_dropped_spans_total[5m]) > 0`
 * catches a collector that stopped keeping up.
 * @internal
 */
export function registerSpanExportMetrics(registry: Registry<OpenMetricsContentType>, monitor: SpanExportMonitor): void {
  for (const [outcome, { name, help }] of Object.entries(COUNTERS) as [CountedOutcome, { name: string; help: string }][]) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        // A monotonic count kept by the monitor: mirrored, not incremented here.
        this.reset();
        this.inc(monitor.stats()[outcome]);
      },
    });
  }
  const gauge = (name: string, help: string, read: (stats: SpanExportStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(monitor.stats()));
      },
    });
  gauge('otel_export_queue_spans', 'Spans waiting in the export queue', (stats) => stats.queued);
  gauge('otel_export_queue_capacity_spans', 'Size of the export queue (maxQueueSize)', (stats) => stats.queueCapacity);
}
