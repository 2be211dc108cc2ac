import { Counter, type OpenMetricsContentType, type Registry } from 'prom-client';
import { LabelGuard, type LabelValues } from './label-guard';
import { LeanHistogram } from './lean-histogram';
import type { LeanMetricConfig } from './lean-metric';
import { LeanValueMetric } from './lean-value-metric';
import type { RawLabelValues } from './series-store';
import { STANDARD_LABELS } from './metrics.constants';

/** Declares a metric: Prometheus name, help text, labels and (optionally) their allowed values. @publicApi */
export interface MetricDefinition<L extends string> {
  /** Prometheus name (`[a-zA-Z_:][a-zA-Z0-9_:]*`): counters end in `_total`, units in the name. */
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Allowed values per label; a label not listed takes anything up to `maxLabelValues`. */
  labelValues?: Partial<Record<L, LabelValues>>;
  /**
   * Labels whose values are bounded by construction (a route template from the app's own
   * code): exempt from the `maxLabelValues` cap, still cut to 128 characters.
   */
  boundedLabels?: readonly L[];
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  buckets?: number[];
  /** Record `trace_id` exemplars (OpenMetrics) when given one. */
  exemplars?: boolean;
}

type Labels<L extends string> = Partial<Record<L, string | number | undefined>>;

/** A counter whose label values are guarded. @publicApi */
export interface TelemetryCounter<L extends string> {
  inc(labels?: Labels<L>, value?: number): void;
}

/** A gauge whose label values are guarded. @publicApi */
export interface TelemetryGauge<L extends string> {
  set(labels: Labels<L>, value: number): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
}

/** A histogram whose label values are guarded; an exemplar links an observation to a trace. @publicApi */
export interface TelemetryHistogram<L extends string> {
  observe(labels: Labels<L>, value: number, exemplar?: Record<string, string>): void;
}

/** A gauge the library's own code also feeds with label values in the order of its label names. @internal */
export interface PositionalGauge<L extends string> extends TelemetryGauge<L> {
  incValues(values: RawLabelValues, value: number): void;
}

/** A histogram the library's own code also feeds with label values in the order of its label names. @internal */
export interface PositionalHistogram<L extends string> extends TelemetryHistogram<L> {
  observeValues(values: RawLabelValues, value: number, exemplar?: Record<string, string>): void;
}

interface Created {
  type: string;
  labelNames: readonly string[];
  buckets: readonly number[] | undefined;
  metric: unknown;
  /** The callers' objects, by the order of the label names they declared. */
  handles: Map<string, unknown>;
}

// prom-client's default buckets, for a histogram that declares none.
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates metrics on the app's registry (so they carry `environment`, `project` and
 * `service`), each behind a label guard. Asking twice for the same definition returns
 * the same metric; the same name with another type, labels or buckets is an error, not
 * a second metric that silently records into the first.
 * @internal
 */
export class MetricFactory {
  private readonly created = new Map<string, Created>();
  private overflow?: Counter<'metric' | 'label'>;

  constructor(
    private readonly registry: Registry<OpenMetricsContentType>,
    private readonly maxLabelValues: number,
  ) {}

  counter<L extends string = never>(definition: MetricDefinition<L>): TelemetryCounter<L> {
    const counter = this.once('counter', definition, () => new LeanValueMetric('counter', this.config(definition)));
    return this.handle(definition, () => ({ inc: (labels = {}, value = 1) => counter.inc(labels, value) }));
  }

  gauge<L extends string = never>(definition: MetricDefinition<L>): PositionalGauge<L> {
    const gauge = this.once('gauge', definition, () => new LeanValueMetric('gauge', this.config(definition)));
    return this.handle(definition, () => {
      const inMetricOrder = valuesInOrderOf(gauge.labelNames, definition.labelNames ?? []);
      return {
        set: (labels, value) => gauge.set(labels, value),
        inc: (labels = {}, value = 1) => gauge.inc(labels, value),
        dec: (labels = {}, value = 1) => gauge.inc(labels, -value),
        incValues: (values, value) => gauge.incValues(inMetricOrder(values), value),
      };
    });
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): PositionalHistogram<L> {
    const histogram = this.once('histogram', definition, () => {
      const buckets = definition.buckets ?? DEFAULT_BUCKETS;
      if (buckets.some((bound, index) => !Number.isFinite(bound) || (index > 0 && bound <= buckets[index - 1]))) {
        throw new Error(`MetricsService: the buckets of "${definition.name}" must be finite and increasing, not ${JSON.stringify(buckets)}`);
      }
      // Without `exemplars`, the histogram keeps none: an exemplar passed is ignored.
      return new LeanHistogram(this.config(definition), buckets, definition.exemplars ?? false);
    });
    return this.handle(definition, () => {
      const inMetricOrder = valuesInOrderOf(histogram.labelNames, definition.labelNames ?? []);
      return {
        observe: (labels, value, exemplar) => histogram.observe(labels, value, exemplar),
        observeValues: (values, value, exemplar) => histogram.observeValues(inMetricOrder(values), value, exemplar),
      };
    });
  }

  private once<T>(type: string, definition: HistogramDefinition<string>, create: () => T): T {
    const labelNames = definition.labelNames ?? [];
    const buckets = type === 'histogram' ? definition.buckets : undefined;
    const existing = this.created.get(definition.name);
    if (existing) {
      const differs = (what: string, had: unknown, asked: unknown) =>
        new Error(`MetricsService: metric "${definition.name}" already exists with ${what} ${JSON.stringify(had)}, not ${JSON.stringify(asked)}`);
      if (existing.type !== type) throw differs('type', existing.type, type);
      if (!sameList([...existing.labelNames].sort(), [...labelNames].sort())) throw differs('labels', existing.labelNames, labelNames);
      if (buckets !== undefined && !sameList(existing.buckets ?? [], buckets)) throw differs('buckets', existing.buckets, buckets);
      return existing.metric as T;
    }
    const metric = create();
    this.created.set(definition.name, { type, labelNames, buckets, metric, handles: new Map() });
    return metric;
  }

  /** What callers get for a metric: the same object each time, for each order of its label names (positional values follow that order). */
  private handle<T>(definition: MetricDefinition<string>, make: () => T): T {
    const handles = this.created.get(definition.name)!.handles;
    const order = JSON.stringify(definition.labelNames ?? []);
    let handle = handles.get(order) as T | undefined;
    if (handle === undefined) handles.set(order, (handle = make()));
    return handle;
  }

  private config<L extends string>(definition: MetricDefinition<L>): LeanMetricConfig<L> {
    for (const label of definition.labelNames ?? []) {
      if ((STANDARD_LABELS as readonly string[]).includes(label)) {
        throw new Error(`MetricsService: label "${label}" of "${definition.name}" is reserved; every metric already carries it`);
      }
    }
    return { name: definition.name, help: definition.help, labelNames: definition.labelNames ?? [], guard: this.guard(definition), registry: this.registry };
  }

  private guard<L extends string>(definition: MetricDefinition<L>): LabelGuard<L> {
    return new LabelGuard(
      definition.labelNames ?? [],
      definition.labelValues ?? {},
      this.maxLabelValues,
      (label) => this.overflowCounter().inc({ metric: definition.name, label }),
      definition.boundedLabels ?? [],
    );
  }

  // Bounded by construction: one series per (metric, label) pair the code declares.
  private overflowCounter(): Counter<'metric' | 'label'> {
    this.overflow ??= new Counter({
      name: 'telemetry_metric_label_overflow_total',
      help: 'Label values recorded as "other" because they were not allowed or over the per-label cap',
      labelNames: ['metric', 'label'],
      registers: [this.registry],
    });
    return this.overflow;
  }
}

/**
 * Label values in a caller's order of the label names, put in the metric's: a metric asked
 * for twice may have been declared first with its labels in another order.
 */
function valuesInOrderOf(metricNames: readonly string[], callerNames: readonly string[]): (values: RawLabelValues) => RawLabelValues {
  if (sameList(metricNames, callerNames)) return (values) => values;
  const positions = metricNames.map((name) => callerNames.indexOf(name));
  return (values) => positions.map((position) => values[position]);
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
