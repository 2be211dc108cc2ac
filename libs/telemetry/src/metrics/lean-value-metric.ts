import { LeanMetric, type LeanMetricConfig, type MetricValue } from './lean-metric';
import type { RawLabels, RawLabelValues } from './series-store';

interface ValueSeries {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/** A counter or a gauge on a SeriesStore (see LeanMetric). @internal */
export class LeanValueMetric<L extends string> extends LeanMetric<L, ValueSeries> {
  constructor(
    readonly type: 'counter' | 'gauge',
    config: LeanMetricConfig<L>,
  ) {
    super(config, (labels) => ({ labels, value: 0 }));
  }

  inc(labels: RawLabels<L>, value: number): void {
    this.checkIncrement(value);
    this.store.of(labels).value += value;
  }

  /** `inc` with the label values in the order of the label names (SeriesStore.ofValues). */
  incValues(values: RawLabelValues, value: number): void {
    this.checkIncrement(value);
    this.store.ofValues(values).value += value;
  }

  private checkIncrement(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    if (this.type === 'counter' && value < 0) throw new Error('It is not possible to decrease a counter');
  }

  set(labels: RawLabels<L>, value: number): void {
    if (typeof value !== 'number') throw new TypeError(`Value is not a valid number: ${String(value)}`);
    this.store.of(labels).value = value;
  }

  protected values(): MetricValue[] {
    return Array.from(this.store.all(), (series) => ({ value: series.value, labels: series.labels }));
  }
}
