/** Marker added to a line that lost fields to the cap: how many were dropped. @publicApi */
export const DROPPED_FIELDS_KEY = '_dropped_fields';

/** Groups kept first when a line is over the cap. @internal */
export const ESSENTIAL_KEYS = ['tracking_id', 'tracing', 'request', 'response', 'error', 'exception'];

/** Fields of a value as CloudWatch counts them: the leaves of the flattened JSON. @internal */
export function countFields(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  if (value instanceof Date) return 1;
  const children = Array.isArray(value) ? value : Object.values(value);
  if (children.length === 0) return 1;
  let count = 0;
  for (const child of children) count += countFields(child);
  return count;
}

/**
 * Keeps a line within `budget` fields: essential groups first, then the others in
 * order, a group that does not fit is cut to what does; the number of fields left
 * out is written under `_dropped_fields`. Under the budget, the object is returned as is.
 * @internal
 */
export function capFields(object: Record<string, unknown>, budget: number): Record<string, unknown> {
  const total = countFields(object);
  if (total <= budget) return object;

  const room = { left: budget - 1 }; // one field for the marker
  const kept: Record<string, unknown> = {};
  const keys = [...ESSENTIAL_KEYS.filter((key) => key in object), ...Object.keys(object).filter((key) => !ESSENTIAL_KEYS.includes(key))];
  for (const key of keys) {
    if (room.left <= 0) break;
    const value = take(object[key], room);
    if (value !== undefined) kept[key] = value;
  }
  kept[DROPPED_FIELDS_KEY] = total - (budget - 1 - room.left);
  return kept;
}

/** Copies as much of `value` as fits in `room`, leaves first-come first-kept. */
function take(value: unknown, room: { left: number }): unknown {
  const size = countFields(value);
  if (size <= room.left) {
    room.left -= size;
    return value;
  }
  if (value === null || typeof value !== 'object' || room.left <= 0) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const part = take(item, room);
      if (part === undefined) break;
      out.push(part);
    }
    return out.length > 0 ? out : undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (room.left <= 0) break;
    const part = take(item, room);
    if (part !== undefined) out[key] = part;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
