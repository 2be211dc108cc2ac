import { AsyncResource } from 'node:async_hooks';
import { once } from 'node:events';
import pino from 'pino';
import { atTurnEnd } from '../turn-end';

/** Where the app's logger writes: lines in, and a synchronous flush on shutdown. @internal */
export interface LogDestination {
  write(line: string): unknown;
  /** Writes what is still buffered, before the process exits. */
  flushSync?(): void;
  /** Writes what is still buffered, then calls back (pino's `logger.flush()`). */
  flush?(callback?: (error?: Error) => void): void;
  /**
   * For the end of the process, which may come at any moment after (Nest re-raises the
   * signal once closed): writes every line still buffered, the chunk already on its way
   * included (waiting at most `maxWaitMillis` for it), and each later line before `write`
   * returns.
   */
  flushForExit?(maxWaitMillis: number): Promise<void>;
}

/** Streams that route lines by level (pino.multistream) ask pino for each line's metadata. */
const NEEDS_METADATA = pino.symbols.needsMetadataGsym;
const METADATA_FIELDS = ['lastLevel', 'lastObj', 'lastMsg', 'lastTime', 'lastLogger'] as const;

/** Whether a destination routes lines by level, reading the metadata pino leaves on it for each line. @internal */
export function routesByLevel(destination: object): boolean {
  return (destination as Record<symbol, unknown>)[NEEDS_METADATA] === true;
}

/**
 * A destination in front of another that also does something with each line: the
 * methods are the inner one's, called on it (never on a copy of its state, as
 * `Object.create(inner)` would: sonic-boom keeps its buffer on `this`), and the line
 * metadata pino leaves for a level-routing stream reaches that stream.
 * @internal
 */
export function decorateDestination(inner: LogDestination, write: (line: string) => unknown): LogDestination {
  const decorated: LogDestination & Record<string | symbol, unknown> = {
    write,
    ...(inner.flushSync ? { flushSync: () => inner.flushSync!() } : {}),
    ...(inner.flush ? { flush: (callback?: (error?: Error) => void) => inner.flush!(callback) } : {}),
    ...(inner.flushForExit ? { flushForExit: (maxWaitMillis: number) => inner.flushForExit!(maxWaitMillis) } : {}),
  };
  const target = inner as LogDestination & Record<string | symbol, unknown>;
  if (routesByLevel(inner)) {
    decorated[NEEDS_METADATA] = true;
    for (const field of METADATA_FIELDS) {
      Object.defineProperty(decorated, field, { get: () => target[field], set: (value: unknown) => (target[field] = value) });
    }
  }
  return decorated;
}

/** Waiting lines are written once they reach this many characters (UTF-16 code units, about as many bytes)... */
const WRITE_AT_CHARS = 64 * 1024;
/** ...or this long after the first of them, so a quiet service's lines still leave at once to the eye. */
const HOLD_MILLIS = 20;

/**
 * pino's asynchronous destination (sonic-boom) on a file descriptor, fed UTF-8 bytes
 * rather than strings. In its string mode, every write measures the UTF-8 length of the
 * text still waiting (`Buffer.byteLength`), which flattens the rope of all lines not yet
 * written: a copy of kilobytes per line under load (9-17 KB a line measured, against 2 KB
 * here), so the copying grows with the backlog.
 *
 * Lines are joined as text and encoded together, one `Buffer` for many lines (about 150 ns
 * a line less in a loop, and fewer objects for the garbage collector), and handed to
 * sonic-boom in writes of at least `WRITE_AT_CHARS`, checked at the end of each turn of
 * the event loop, or `HOLD_MILLIS` after the first line waiting, whichever comes first.
 * Each write is a job for libuv's thread pool and a system call whose cost, on a loaded
 * server, is mostly per call: writes of one turn's lines (about 20 KB at 50 requests a
 * turn) cost the pool's thread 3 µs a request, and a write's cost per byte halves from 20
 * to 90 KB (BENCHMARKS.md, "Seventeenth session"). Every flush of the stream, pino's own
 * on exit included, takes the waiting lines first, so an exit loses none; once flushed
 * for exit, each line is written before `write` returns.
 * @internal
 */
export function asyncFileDestination(fd: number, maxWriteBytes: number): LogDestination {
  const stream = pino.destination({ dest: fd, sync: false, maxWrite: maxWriteBytes, contentMode: 'buffer' } as Parameters<typeof pino.destination>[0]);
  const state = stream as unknown as { _writing: boolean; sync: boolean };
  let pending = '';
  let checkScheduled = false;
  let holdTimer: NodeJS.Timeout | undefined;
  const takePending = (): void => {
    if (holdTimer !== undefined) {
      clearTimeout(holdTimer);
      holdTimer = undefined;
    }
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    try {
      stream.write(Buffer.from(text) as unknown as string);
    } catch {
      // A destroyed stream (the process is ending) takes no more lines; nothing to throw them at.
    }
  };
  // pino's exit handler and `logger.flush()` call these on the stream itself.
  const flushSync = stream.flushSync.bind(stream);
  const flush = stream.flush.bind(stream);
  stream.flushSync = () => {
    // Written now, as flushSync writes the rest: handed over in sonic-boom's asynchronous
    // mode, the turn's lines would go out in a write an exit right after does not wait for.
    const wasSync = state.sync;
    state.sync = true;
    try {
      takePending();
    } finally {
      state.sync = wasSync;
    }
    flushSync();
  };
  stream.flush = (callback?: (error?: Error) => void) => {
    takePending();
    flush(callback);
  };
  const write = (line: string): void => {
    if (state.sync) {
      takePending();
      stream.write(Buffer.from(line) as unknown as string);
      return;
    }
    pending += line;
    if (!checkScheduled) {
      checkScheduled = true;
      atTurnEnd(checkPending);
    }
    holdTimer ??= startHoldTimer();
  };
  // In the destination's own async context: a timer started in a request's would keep that request's context (its span, its store) alive until it fires.
  const timerScope = new AsyncResource('nest-telemetry.log-destination');
  // Unreferenced: a process that ends flushes through pino's exit handler, not this.
  const startHoldTimer = () => timerScope.runInAsyncScope(() => setTimeout(takePending, HOLD_MILLIS).unref());
  const checkPending = (): void => {
    checkScheduled = false;
    if (pending.length >= WRITE_AT_CHARS) takePending();
  };
  const flushForExit = async (maxWaitMillis: number): Promise<void> => {
    takePending();
    // sonic-boom's flushSync writes what is buffered but not the chunk an asynchronous
    // write has in flight: an exit right after (a re-raised SIGTERM) loses that chunk,
    // typically the last lines of the shutdown. 'drain' comes once nothing is left.
    if (state._writing) {
      await once(stream, 'drain', { signal: AbortSignal.timeout(maxWaitMillis) }).catch(() => undefined);
    }
    // From here each line is written before write() returns: nothing waits for a tick
    // the process may not get.
    state.sync = true;
    stream.flushSync();
  };
  return { ...decorateDestination(stream, write), flushForExit };
}
