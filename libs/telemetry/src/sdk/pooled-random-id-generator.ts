import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

// Random bytes drawn at once: 1,024 trace ids, or 2,048 span ids.
const RANDOM_BYTES = 16 * 1024;
// Bytes hex-encoded at once: 64 trace ids, or 128 span ids; see below for why not more.
const CHUNK_BYTES = 1024;
// What an all-zero id (invalid) becomes, as in the SDK's generator.
const NONZERO_TRACE_ID = `${'0'.repeat(30)}01`;
const NONZERO_SPAN_ID = `${'0'.repeat(14)}01`;

/**
 * Trace and span ids from the operating system's random source, read 16 KiB at a time
 * and hex-encoded 1 KiB at a time: one `randomFillSync` every few hundred spans and one
 * hex conversion every few dozen, then each id is a slice of that text. The SDK's
 * RandomIdGenerator draws `Math.random` four times for a trace id and converts through a
 * shared buffer; ids from a cryptographic source also keep trace ids unguessable, which
 * W3C Trace Context asks of a random trace id. As the SDK's, an id is never all zeros
 * (invalid): its last byte becomes 1.
 *
 * A slice is V8's view into the pool's text, not a copy (about 50 ns a trace and span id
 * against 300 for a `toString('hex')` each): an id kept long after its request keeps the
 * 2 KB text it came from, which is why the text is made 1 KiB of bytes at a time. The
 * bytes are drawn 16 KiB at a time because `randomFillSync`'s cost is nearly all per call:
 * 2.5-3 µs for 1 KiB in a loop, 5 for 16 KiB, and about 33 µs in the app's profile, where
 * its code (a crypto job, OpenSSL's generator) runs cold once per 42 requests: 0.8 µs a
 * request with a 1 KiB pool.
 * @internal
 */
export class PooledRandomIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(RANDOM_BYTES);
  /** Where in the pool the current chunk's bytes start, and their hex text. */
  private chunk = RANDOM_BYTES;
  private hex = '';
  private offset = CHUNK_BYTES * 2;

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
    if (this.offset + characters > CHUNK_BYTES * 2) this.nextChunk();
    const start = this.offset;
    this.offset = start + characters;
    const pool = this.pool;
    const bytes = this.chunk + (start >>> 1);
    for (let index = bytes, end = bytes + (characters >>> 1); index < end; index++) {
      if (pool[index] !== 0) return this.hex.slice(start, start + characters);
    }
    return ifZero;
  }

  /** The pool's next 1 KiB as hex text, the pool drawn again once all of it was used. */
  private nextChunk(): void {
    let chunk = this.chunk + CHUNK_BYTES;
    if (chunk >= RANDOM_BYTES) {
      randomFillSync(this.pool);
      chunk = 0;
    }
    this.chunk = chunk;
    this.hex = this.pool.toString('hex', chunk, chunk + CHUNK_BYTES);
    this.offset = 0;
  }
}
