import { LeanMetric, type LeanMetricConfig, type MetricValue, type RecordedExemplar } from './lean-metric';
import type { RawLabels, RawLabelValues } from './series-store';

interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  /** The latest exemplar per bucket, when exemplars are on. */
  readonly exemplars: (RecordedExemplar | null)[] | undefined;
}

// OpenMetrics caps an exemplar's label set at 128 UTF-8 characters (names and values together).
const MAX_EXEMPLAR_LABEL_CHARACTERS = 128;

/**
 * A histogram on a SeriesStore (see LeanMetric), rendered exactly as prom-client's
 * Histogram: cumulative `_bucket` lines with `le`, `+Inf`, `_sum`, `_count`, and the
 * latest exemplar of each bucket in OpenMetrics.
 * @internal
 */
export class LeanHistogram<L extends string> extends LeanMetric<L, HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    config: LeanMetricConfig<L>,
    private readonly upperBounds: readonly number[],
    exemplars: boolean,
  ) {
    if ((config.labelNames as readonly string[]).includes('le')) throw new Error('le is a reserved label keyword');
    super(config, (labels) => ({
      labels,
      counts: new Float64Array(upperBounds.length + 1),
      sum: 0,
      count: 0,
      exemplars: exemplars ? new Array<RecordedExemplar | null>(upperBounds.length + 1).fill(null) : undefined,
    }));
  }

  observe(labels: RawLabels<L>, value: number, exemplar?: Record<string, string>): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    this.observeIn(this.store.of(labels), value, exemplar);
  }

  /** `observe` with the label values in the order of the label names (SeriesStore.ofValues). */
  observeValues(values: RawLabelValues, value: number, exemplar?: Record<string, string>): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    this.observeIn(this.store.ofValues(values), value, exemplar);
  }

  private observeIn(series: HistogramSeries, value: number, exemplar: Record<string, string> | undefined): void {
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += value;
    series.count++;
    if (series.exemplars !== undefined && exemplar !== undefined) {
      let characters = 0;
      let empty = true;
      for (const name in exemplar) {
        characters += name.length + String(exemplar[name]).length;
        empty = false;
      }
      if (empty) return;
      if (characters > MAX_EXEMPLAR_LABEL_CHARACTERS) throw new RangeError('Label set size must be smaller than 128 UTF-8 chars');
      series.exemplars[bucket] = { labelSet: exemplar, value, timestamp: Date.now() / 1000 };
    }
  }

  protected values(): MetricValue[] {
    const values: MetricValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.store.all()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, index) => {
        cumulative += series.counts[index];
        values.push({ labels: { le }, sharedLabels: series.labels, value: cumulative, metricName: bucketName, exemplar: series.exemplars?.[index] ?? null });
      });
      const exemplar = series.exemplars ? (series.exemplars[this.upperBounds.length] ?? undefined) : null;
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count, metricName: bucketName, exemplar },
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return values;
  }
}
