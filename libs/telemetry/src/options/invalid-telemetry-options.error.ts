/**
 * Thrown at start-up when an option (or the `OTEL_*` variable it falls back to) is invalid.
 * The message names the option, the bad value and what is accepted.
 * @publicApi
 */
export class InvalidTelemetryOptionsError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`TelemetryModule: invalid option "${option}": ${describeValue(value)}; expected ${expected}`);
    this.name = 'InvalidTelemetryOptionsError';
  }
}

/** A value as an error message shows it: JSON, cut at 100 characters. @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'object' && value !== null && value.constructor !== Object && !Array.isArray(value)) return `a ${value.constructor.name}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
