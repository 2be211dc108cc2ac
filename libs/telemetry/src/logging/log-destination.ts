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

/** Bytes sonic-boom holds before it writes them (its `minLength`)... */
const HOLD_BYTES = 64 * 1024;
/** ...or this long after they started waiting, so a quiet service's lines still leave at once to the eye. */
const HOLD_MILLIS = 20;

/**
 * pino's asynchronous destination (sonic-boom) on a file descriptor, fed UTF-8 bytes
 * rather than strings. In its string mode, every write measures the UTF-8 length of the
 * text still waiting (`Buffer.byteLength`), which flattens the rope of all lines not yet
 * written: a copy of kilobytes per line under load (9-17 KB a line measured, against 2 KB
 * here), so the copying grows with the backlog.
 *
 * The lines of one turn of the event loop are joined as text and encoded together when
 * the turn ends: one `Buffer` a turn instead of one a line (about 150 ns a line less in a
 * loop, and fewer objects for the garbage collector). sonic-boom then holds the bytes
 * until `HOLD_BYTES` are waiting (its `minLength`), or `HOLD_MILLIS` after they started
 * waiting: each write is a job for libuv's thread pool and a system call whose cost on a
 * loaded server is mostly per call, and writing one turn's lines at a time (about 20 KB
 * at 50 requests a turn) cost the pool's thread 2-3 µs a request (BENCHMARKS.md,
 * "Seventeenth session"). What waits is bytes, not the lines' strings: strings kept
 * across turns survive young collections, which cost more than the writes saved.
 *
 * Every flush of the stream, pino's own on exit included, takes the turn's lines first,
 * so an exit in the middle of a turn loses none; once flushed for exit, each line is
 * written before `write` returns.
 * @internal
 */
export function asyncFileDestination(fd: number, maxWriteBytes: number): LogDestination {
  const minLength = Math.min(HOLD_BYTES, maxWriteBytes - 1);
  const stream = pino.destination({ dest: fd, sync: false, maxWrite: maxWriteBytes, minLength, contentMode: 'buffer' } as Parameters<typeof pino.destination>[0]);
  // sonic-boom's own state: whether a write is in flight, and the bytes it holds (in flight included).
  const state = stream as unknown as { _writing: boolean; sync: boolean; minLength: number; _len: number; destroyed: boolean };
  let pending = '';
  let scheduled = false;
  let holdTimer: NodeJS.Timeout | undefined;
  // pino's exit handler and `logger.flush()` call these on the stream itself.
  const flushSync = stream.flushSync.bind(stream);
  const flush = stream.flush.bind(stream);
  // In the destination's own async context: a timer started in a request's would keep that request's context alive until it fires.
  const timerScope = new AsyncResource('nest-telemetry.log-destination');
  const writeHeld = (): void => {
    holdTimer = undefined;
    if (state.destroyed || state._len === 0) return;
    if (!state._writing) flush();
    // A write in flight, or one that leaves bytes held after it: look again later.
    holdLater();
  };
  // Unreferenced: a process that ends flushes through pino's exit handler, not this.
  const holdLater = (): void => {
    holdTimer ??= timerScope.runInAsyncScope(() => setTimeout(writeHeld, HOLD_MILLIS).unref());
  };
  const takePending = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    try {
      stream.write(Buffer.from(text) as unknown as string);
    } catch {
      // A destroyed stream (the process is ending) takes no more lines; nothing to throw them at.
      return;
    }
    if (state._len > 0) holdLater();
  };
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
  // Bytes written so far: sonic-boom's flush calls back at the next 'drain', which may
  // leave up to minLength bytes held, so a flush goes on until what waited is written.
  let written = 0;
  stream.on('write', (bytes: number) => (written += bytes));
  const flushUntil = (goal: number, callback?: (error?: Error) => void): void =>
    flush((error?: Error) => {
      if (error || written >= goal || state.destroyed) callback?.(error);
      else flushUntil(goal, callback);
    });
  stream.flush = (callback?: (error?: Error) => void) => {
    takePending();
    flushUntil(written + state._len, callback);
  };
  const write = (line: string): void => {
    if (state.sync) {
      takePending();
      stream.write(Buffer.from(line) as unknown as string);
      return;
    }
    pending += line;
    if (!scheduled) {
      scheduled = true;
      atTurnEnd(takePending);
    }
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
    // the process may not get, nor for more bytes.
    state.sync = true;
    state.minLength = 0;
    stream.flushSync();
  };
  return { ...decorateDestination(stream, write), flushForExit };
}
