'use strict';
/**
 * A confidence interval for the median of independent measurements, with no assumption on
 * their distribution (the sign test's): the k-th smallest and the k-th largest of n values,
 * k the largest for which P(Binomial(n, 1/2) < k) ≤ (1 − level) / 2. For 30 pairs at 95 %,
 * the 10th and the 21st. This is what says whether a goal is met in a run rather than
 * by the luck of it: a pair's ratio on this machine moves by ±20 % (BENCHMARKS.md).
 * Returns undefined when there are too few values for the level (fewer than 6 at 95 %).
 */
module.exports = function medianInterval(values, level = 0.95) {
  const sorted = values.slice().sort((a, b) => a - b);
  const n = sorted.length;
  const tail = (1 - level) / 2;
  let k = 0;
  let below = 0; // P(X < k)
  let probability = 0.5 ** n; // P(X = k)
  while (k < n / 2 && below + probability <= tail) {
    below += probability;
    probability = (probability * (n - k)) / (k + 1);
    k++;
  }
  if (k === 0) return undefined;
  return { low: sorted[k - 1], high: sorted[n - k], coverage: 1 - 2 * below };
};
