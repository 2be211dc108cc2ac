import { endQueuedObservations } from '../http/turn-end-observations';

/**
 * A log destination that keeps lines in memory, for `logging: { destination }` in
 * tests: `lines()` parses each one as JSON (a line that is not JSON fails the test).
 * @publicApi
 */
export class MemoryLogDestination {
  private buffer = '';

  write(chunk: string): void {
    this.buffer += chunk;
  }

  /** Every line written so far, as it was written (a closed response's access line among them, though its turn of the event loop has not ended). */
  raw(): string[] {
    endQueuedObservations();
    return this.buffer.split('\n').filter((line) => line !== '');
  }

  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[] {
    return this.raw().map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`MemoryLogDestination: not a JSON line: ${line.slice(0, 200)}`);
      }
    });
  }

  clear(): void {
    this.buffer = '';
  }
}
