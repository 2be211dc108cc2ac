import { InvalidTelemetryOptionsError } from './invalid-telemetry-options.error';

/*
 * Validators shared by the SDK and module option resolvers: each returns the value
 * typed, or throws InvalidTelemetryOptionsError naming the option.
 */

/** @internal */
export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidTelemetryOptionsError(option, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}

export function nonEmpty(option: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidTelemetryOptionsError(option, value, 'a non-empty string');
}

export function stringList(option: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')) return value as string[];
  throw new InvalidTelemetryOptionsError(option, value, 'an array of non-empty strings');
}

export function destination(value: unknown): { write(line: string): unknown } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && typeof (value as { write?: unknown }).write === 'function') {
    return value as { write(line: string): unknown };
  }
  throw new InvalidTelemetryOptionsError('logging.destination', value, 'a stream with a write(line) method');
}

export function port(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return value;
  throw new InvalidTelemetryOptionsError(option, value, 'a port number between 0 and 65535');
}

export function positiveInteger(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new InvalidTelemetryOptionsError(option, value, 'a positive integer');
}

export function bool(option: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new InvalidTelemetryOptionsError(option, value, 'true or false');
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function firstListItem(value: string | undefined): string | undefined {
  return blankToUndefined(value?.split(',')[0]);
}

/** An HTTP header name (an RFC 9110 token), safe to set on a response or to read a request by. @internal */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A path pattern, as `ignorePaths` and path sampling rules take it: a path starting with "/" (exact or `prefix*`) or a RegExp. @internal */
export function pathPattern(option: string, value: unknown): string | RegExp {
  if (value instanceof RegExp || (typeof value === 'string' && value.startsWith('/'))) return value;
  throw new InvalidTelemetryOptionsError(option, value, 'a path starting with "/" or a RegExp');
}
