/** Marker added to a line that lost fields to the cap: how many were dropped. @publicApi */
export const DROPPED_FIELDS_KEY = '_dropped_fields';

/**
 * Groups kept first when a line is over the cap: correlation, the request, errors, then
 * the reference groups flat keys are moved into (log-groups), then the rest in order.
 * @internal
 */
export const ESSENTIAL_KEYS = ['tracking_id', 'tracing', 'request', 'response', 'error', 'exception', 'user', 'session', 'workflow', 'operation', 'source'];

/**
 * Deeper than this, a value is written as one leaf: pino's serializer (and CloudWatch)
 * would not go further in any useful way, and the walk must end on any input.
 * @internal
 */
export const MAX_FIELD_DEPTH = 32;

/**
 * Fields of a value as CloudWatch counts them: the leaves of the flattened JSON. A
 * cycle (pino writes it as `"[Circular]"`) and anything past MAX_FIELD_DEPTH count as
 * one field, so a self-referencing object is counted, not recursed into forever.
 * @internal
 */
export function countFields(value: unknown, ancestors: object[] = [], depth = 0): number {
  if (!isBranch(value) || depth >= MAX_FIELD_DEPTH || ancestors.includes(value)) return 1;
  const children = Array.isArray(value) ? value : Object.values(value);
  if (children.length === 0) return 1;
  ancestors.push(value);
  let count = 0;
  for (const child of children) count += countFields(child, ancestors, depth + 1);
  ancestors.pop();
  return count;
}

function isBranch(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !(value instanceof Date);
}

/**
 * Keeps a line within `budget` fields: essential groups first, then the others in
 * order, a group that does not fit is cut to what does; the number of fields left
 * out is written under `markerKey` (`_dropped_fields`). Under the budget, the object is returned as is.
 * @internal
 */
export function capFields(object: Record<string, unknown>, budget: number, markerKey = DROPPED_FIELDS_KEY): Record<string, unknown> {
  const total = countFields(object);
  if (total <= budget) return object;

  const room = { left: budget - 1 }; // one field for the marker
  const kept: Record<string, unknown> = {};
  const keys = [...ESSENTIAL_KEYS.filter((key) => key in object), ...Object.keys(object).filter((key) => !ESSENTIAL_KEYS.includes(key))];
  for (const key of keys) {
    if (room.left <= 0) break;
    const value = take(object[key], room, [object]);
    if (value !== undefined) kept[key] = value;
  }
  kept[markerKey] = total - (budget - 1 - room.left);
  return kept;
}

/** Copies as much of `value` as fits in `room`, leaves first-come first-kept. */
function take(value: unknown, room: { left: number }, ancestors: object[]): unknown {
  const size = countFields(value, [...ancestors], ancestors.length);
  if (size <= room.left) {
    room.left -= size;
    return value;
  }
  // Only a branch can be bigger than one field, and a cycle or the depth limit is one field.
  if (!isBranch(value) || room.left <= 0) return undefined;
  ancestors.push(value);
  let out: unknown[] | Record<string, unknown> | undefined;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const part = take(item, room, ancestors);
      if (part === undefined) break;
      items.push(part);
    }
    out = items.length > 0 ? items : undefined;
  } else {
    const fields: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (room.left <= 0) break;
      const part = take(item, room, ancestors);
      if (part !== undefined) fields[key] = part;
    }
    out = Object.keys(fields).length > 0 ? fields : undefined;
  }
  ancestors.pop();
  return out;
}
