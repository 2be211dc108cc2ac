import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

// 64 trace ids, or 128 span ids, per refill; see below for why not more.
const POOL_BYTES = 1024;
// What an all-zero id (invalid) becomes, as in the SDK's generator.
const NONZERO_TRACE_ID = `${'0'.repeat(30)}01`;
const NONZERO_SPAN_ID = `${'0'.repeat(14)}01`;

/**
 * Trace and span ids from the operating system's random source, read 1 KiB at a time
 * and hex-encoded at once: one `randomFillSync` and one hex conversion every few dozen
 * spans, then each id is a slice of that text. The SDK's RandomIdGenerator draws
 * `Math.random` four times for a trace id and converts through a shared buffer; ids from
 * a cryptographic source also keep trace ids unguessable, which W3C Trace Context asks
 * of a random trace id. As the SDK's, an id is never all zeros (invalid): its last byte
 * becomes 1.
 *
 * A slice is V8's view into the pool's text, not a copy (about 50 ns a trace and span id
 * against 300 for a `toString('hex')` each): an id kept long after its request keeps the
 * 2 KB text it came from, which is why the pool is small.
 * @internal
 */
export class PooledRandomIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private hex = '';
  private offset = POOL_BYTES * 2;

  generateTraceId(): string {
    return this.next(32, NONZERO_TRACE_ID);
  }

  generateSpanId(): string {
    return this.next(16, NONZERO_SPAN_ID);
  }

  /**
   * The next id of `characters` hex digits, or `ifZero` for one whose bytes are all zero.
   * The bytes are checked, not the text: comparing a slice with a constant string is a
   * call into V8's runtime (about 0.4 µs a request in a profile of the app).
   */
  private next(characters: number, ifZero: string): string {
    if (this.offset + characters > POOL_BYTES * 2) {
      randomFillSync(this.pool);
      this.hex = this.pool.toString('hex');
      this.offset = 0;
    }
    const start = this.offset;
    this.offset = start + characters;
    const pool = this.pool;
    for (let index = start >>> 1, end = (start + characters) >>> 1; index < end; index++) {
      if (pool[index] !== 0) return this.hex.slice(start, start + characters);
    }
    return ifZero;
  }
}
