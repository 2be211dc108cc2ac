'use strict';
/** The median of numbers (the mean of the two middle ones for an even count): what every benchmark here reports. */
module.exports = function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
