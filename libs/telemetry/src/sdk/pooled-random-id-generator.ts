import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

// 256 trace ids, or 512 span ids, per refill.
const POOL_BYTES = 4096;

/**
 * Trace and span ids from the operating system's random source, read 4 KiB at a time:
 * one `randomFillSync` every few hundred spans, then one hex conversion per id. The
 * SDK's RandomIdGenerator draws `Math.random` four times for a trace id and converts
 * through a shared buffer; ids from a cryptographic source also keep trace ids
 * unguessable, which W3C Trace Context asks of a random trace id. As the SDK's, an id
 * is never all zeros (invalid): its last byte becomes 1.
 * @internal
 */
export class PooledRandomIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private offset = POOL_BYTES;

  generateTraceId(): string {
    return this.next(16);
  }

  generateSpanId(): string {
    return this.next(8);
  }

  private next(bytes: number): string {
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const start = this.offset;
    const end = start + bytes;
    this.offset = end;
    const pool = this.pool;
    let index = start;
    while (index < end && pool[index] === 0) index++;
    if (index === end) pool[end - 1] = 1;
    return pool.toString('hex', start, end);
  }
}
