import type { ProtobufWriter } from './otlp-protobuf-writer';

/** An attribute key's last value written, the KeyValue bytes it made, and how often they were reused. */
class Remembered {
  hits = 0;
  misses = 0;
  /** Writes left that skip the comparison, for a key whose values change more than they repeat. */
  skips = 0;

  constructor(
    public value: string | number | boolean,
    public bytes: Uint8Array,
  ) {}
}

// Keys beyond this many are encoded every time: attribute keys an app mints per request
// (ids in the key) must not grow the memo without bound.
const MAX_KEYS = 512;
// A KeyValue larger than this is not worth keeping (a long path or user agent).
const MAX_BYTES = 256;
// Writes of a key that changes more than it repeats that are encoded without looking at the
// remembered value: comparing two ids (sliced strings) is a call into V8's runtime.
const SKIPPED_WRITES = 256;

/**
 * The encoded KeyValue of each attribute key's last value. A SERVER span's attributes
 * mostly repeat from request to request (method, scheme, server and client address, user
 * agent, protocol, route, status): their bytes are copied rather than encoded again.
 * A key whose value changes more often than it repeats (`url.path`, `tracking.id`) stops
 * being remembered, so it costs no copy, and its next writes skip the comparison too.
 * The bytes of a KeyValue do not depend on where it is written (the field tag and the
 * enclosing lengths are written around it).
 * @internal
 */
export class KeyValueMemo {
  private readonly entries = new Map<string, Remembered>();

  /**
   * Writes `key` = `value`: the remembered bytes when the key's last value was this one,
   * otherwise through `encode`, then keeps the new bytes if the key's values tend to
   * repeat. Returns whether the remembered bytes were written.
   */
  write<V>(writer: ProtobufWriter, key: string, value: V, encode: (writer: ProtobufWriter, key: string, value: V) => void): boolean {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.skips > 0) {
      entry.skips--;
      encode(writer, key, value);
      return false;
    }
    if (entry !== undefined && entry.value === value) {
      entry.hits++;
      writer.copy(entry.bytes);
      return true;
    }
    const start = writer.pos;
    encode(writer, key, value);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') this.remember(entry, writer, key, value, start);
    return false;
  }

  private remember(entry: Remembered | undefined, writer: ProtobufWriter, key: string, value: string | number | boolean, start: number): void {
    if (writer.pos - start > MAX_BYTES) return;
    if (entry === undefined) {
      if (this.entries.size < MAX_KEYS) this.entries.set(key, new Remembered(value, copyOf(writer, start)));
      return;
    }
    entry.misses++;
    // A key that changes more than it repeats keeps its old bytes and costs no copy, and
    // for a while no comparison either (its value is looked at again after that).
    if (entry.misses > entry.hits + 1) {
      entry.skips = SKIPPED_WRITES;
      return;
    }
    entry.value = value;
    entry.bytes = copyOf(writer, start);
  }
}

/** A copy (Buffer's `slice` is a view, and the writer's buffer is reused). */
function copyOf(writer: ProtobufWriter, start: number): Uint8Array {
  return Uint8Array.prototype.slice.call(writer.buffer, start, writer.pos);
}
