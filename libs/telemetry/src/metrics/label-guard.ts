/** What a guarded label may hold: a declared set of values, or anything up to the cap. @publicApi */
export type LabelValues = readonly string[] | undefined;

/** The value recorded in place of one that is not allowed or over the cap. @publicApi */
export const OVERFLOW_LABEL_VALUE = 'other';

// Longer values are cut: a label is a dimension, not a payload.
const MAX_VALUE_LENGTH = 128;

/**
 * Keeps a metric's label values bounded: a value outside its declared set, or a new
 * value once a label already has `maxValues` distinct ones, is recorded as `other`
 * (the observation is kept, the series count is not grown) and reported through
 * `onOverflow`, which counts it in a metric of its own. Labels bounded by construction
 * skip the cap.
 * @internal
 */
export class LabelGuard<L extends string> {
  private readonly seen = new Map<L, Set<string>>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly declared: Partial<Record<L, LabelValues>>,
    private readonly maxValues: number,
    private readonly onOverflow: (label: L) => void,
    private readonly bounded: readonly L[] = [],
  ) {
    // Bounded labels are not tracked: their values are few by construction.
    for (const label of labelNames) if (!bounded.includes(label)) this.seen.set(label, new Set());
  }

  /** The labels as recorded; the labels recorded as `other` are also pushed to `overflowed` when given. */
  apply(labels: Partial<Record<L, string | number | undefined>>, overflowed?: L[]): Record<L, string> {
    const safe = {} as Record<L, string>;
    for (const label of this.labelNames) {
      safe[label] = this.admit(label, labels[label], overflowed);
    }
    return safe;
  }

  /** Counts one more observation of a label recorded as `other` (for callers that cached the decision). */
  reportOverflow(label: L): void {
    this.onOverflow(label);
  }

  private admit(label: L, raw: string | number | undefined, overflowed: L[] | undefined): string {
    const value = raw === undefined ? '' : String(raw).slice(0, MAX_VALUE_LENGTH);
    const allowed = this.declared[label];
    if (allowed) {
      if (allowed.includes(value)) return value;
      return this.overflow(label, overflowed);
    }
    const seen = this.seen.get(label);
    if (seen === undefined || seen.has(value)) return value;
    if (seen.size < this.maxValues) {
      seen.add(value);
      return value;
    }
    return this.overflow(label, overflowed);
  }

  private overflow(label: L, overflowed: L[] | undefined): string {
    this.onOverflow(label);
    overflowed?.push(label);
    return OVERFLOW_LABEL_VALUE;
  }
}
