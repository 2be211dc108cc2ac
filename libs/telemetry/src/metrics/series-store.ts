import type { LabelGuard } from './label-guard';

/** Label values as callers pass them: a number, a string, or missing. @internal */
export type RawLabels<L extends string> = Partial<Record<L, string | number | undefined>>;

/** Label values in the order of the metric's label names: what the library's own observations pass. @internal */
export type RawLabelValues = readonly (string | number | undefined)[];

/** Raw label sets remembered; past this, hostile or unbounded values are still guarded, just not cached. */
const MAX_CACHED_LABEL_SETS = 4096;

interface Cached<L extends string, S> {
  readonly series: S;
  /** Labels the guard recorded as `other` for this label set: each observation still counts as an overflow. */
  readonly overflowed: readonly L[];
}

type Level<L extends string, S> = Map<string | number | undefined, Level<L, S> | Cached<L, S>>;

/**
 * The series of one metric, found from the label values an observation passes. The label
 * guard decides once per distinct label set; later observations of the same set walk one
 * map per label (no key string built, no label object hashed), which is what keeps a
 * histogram observation on the request path under a microsecond. Different raw values the
 * guard turns into the same labels (`other`, a cut value) share one series.
 * @internal
 */
export class SeriesStore<L extends string, S> {
  private readonly cache: Level<L, S> = new Map();
  private cachedCount = 0;
  private readonly series = new Map<string, S>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly guard: LabelGuard<L>,
    private readonly create: (labels: Readonly<Record<L, string>>) => S,
  ) {}

  /** The series of these labels, created on first use. */
  of(labels: RawLabels<L>): S {
    return this.ofValues(this.labelNames.map((name) => labels[name]));
  }

  /**
   * The series of these label values, in the order of the label names: the same series
   * `of` finds for the same labels. The library's own metrics (HttpMetrics) pass values:
   * reading a label object by each label's name is a keyed load that every metric's label
   * objects, each of its own shape, turn megamorphic.
   */
  ofValues(values: RawLabelValues): S {
    const cached = this.levelOf(values, false)?.get(values[values.length - 1]) as Cached<L, S> | undefined;
    if (cached === undefined) return this.miss(values);
    for (const label of cached.overflowed) this.guard.reportOverflow(label);
    return cached.series;
  }

  /** Every series, in the order they were created. */
  all(): IterableIterator<S> {
    return this.series.values();
  }

  clear(): void {
    this.cache.clear();
    this.cachedCount = 0;
    this.series.clear();
  }

  private miss(values: RawLabelValues): S {
    const overflowed: L[] = [];
    const labels: RawLabels<L> = {};
    this.labelNames.forEach((name, index) => (labels[name] = values[index]));
    const safe = this.guard.apply(labels, overflowed);
    // Guarded values are strings: JSON keeps them apart whatever characters they hold.
    const key = JSON.stringify(this.labelNames.map((name) => safe[name]));
    let series = this.series.get(key);
    if (series === undefined) {
      series = this.create(Object.freeze(safe));
      this.series.set(key, series);
    }
    if (this.cachedCount < MAX_CACHED_LABEL_SETS) this.remember(values, { series, overflowed });
    return series;
  }

  private remember(values: RawLabelValues, cached: Cached<L, S>): void {
    this.levelOf(values, true)!.set(values[values.length - 1], cached);
    this.cachedCount++;
  }

  /** The map keyed by the last label's value, for the values of the others (made on the way when `create`). */
  private levelOf(values: RawLabelValues, create: boolean): Level<L, S> | undefined {
    let level = this.cache;
    for (let index = 0; index < values.length - 1; index++) {
      const value = values[index];
      let next = level.get(value) as Level<L, S> | undefined;
      if (next === undefined) {
        if (!create) return undefined;
        level.set(value, (next = new Map()));
      }
      level = next;
    }
    return level;
  }

}
