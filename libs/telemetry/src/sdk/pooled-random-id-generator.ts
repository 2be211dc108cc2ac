import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

// 64 trace ids, or 128 span ids, per refill; see below for why not more.
const POOL_BYTES = 1024;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

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
    const id = this.next(32);
    return id === ZERO_TRACE_ID ? `${ZERO_TRACE_ID.slice(0, 30)}01` : id;
  }

  generateSpanId(): string {
    const id = this.next(16);
    return id === ZERO_SPAN_ID ? `${ZERO_SPAN_ID.slice(0, 14)}01` : id;
  }

  private next(characters: number): string {
    if (this.offset + characters > POOL_BYTES * 2) {
      randomFillSync(this.pool);
      this.hex = this.pool.toString('hex');
      this.offset = 0;
    }
    const start = this.offset;
    this.offset = start + characters;
    return this.hex.slice(start, start + characters);
  }
}
