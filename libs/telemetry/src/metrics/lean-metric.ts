import type { Registry } from 'prom-client';
import type { LabelGuard } from './label-guard';
import { SeriesStore } from './series-store';

/** A value as prom-client's registry renders it: labels, shared labels (a series'), an exemplar. @internal */
export interface MetricValue {
  value: number;
  labels: Readonly<Record<string, string | number>>;
  sharedLabels?: Readonly<Record<string, string>>;
  metricName?: string;
  exemplar?: RecordedExemplar | null;
}

/** A metric's series as the registry asks for them (`get()`, `getForPromString()`). @internal */
export interface MetricSnapshot {
  name: string;
  help: string;
  type: string;
  values: MetricValue[];
  aggregator: string;
}

/** An exemplar as OpenMetrics shows it: `# {trace_id="…"} value timestamp`. @internal */
export interface RecordedExemplar {
  labelSet: Record<string, string>;
  value: number;
  timestamp: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What every lean metric is made from. @internal */
export interface LeanMetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  guard: LabelGuard<L>;
  registry: Pick<Registry, 'registerMetric'>;
}

/**
 * A metric that keeps its own series and hands them to a prom-client registry, which
 * renders it like its own (text, OpenMetrics, JSON): the registry only asks a metric for
 * `name`, `type`, `help`, `get()` and `reset()`. prom-client's own metrics hash a label
 * object and validate it on every observation, several microseconds each on the request
 * path; these find the series through a SeriesStore instead.
 * @internal
 */
export abstract class LeanMetric<L extends string, S> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator = 'sum';
  name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected readonly store: SeriesStore<L, S>;

  protected constructor(config: LeanMetricConfig<L>, create: (labels: Readonly<Record<L, string>>) => S) {
    if (!METRIC_NAME.test(config.name)) throw new Error(`Invalid metric name: ${config.name}`);
    for (const label of config.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`Invalid label name: ${label}`);
    }
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.store = new SeriesStore(config.labelNames, config.guard, create);
    // A metric without labels has its one series from the start, at zero (as prom-client's).
    if (config.labelNames.length === 0) this.store.of({});
    config.registry.registerMetric(this as never);
  }

  /** The registry's rendering of a metric, series by series. */
  async getForPromString(): Promise<MetricSnapshot> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }

  /** prom-client's JSON view: each value's labels hold its series' labels too. */
  async get(): Promise<MetricSnapshot> {
    const values = this.values().map(({ sharedLabels, labels, ...value }) => ({ ...value, labels: { ...labels, ...sharedLabels } }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.store.clear();
    if (this.labelNames.length === 0) this.store.of({});
  }

  protected abstract values(): MetricValue[];
}
