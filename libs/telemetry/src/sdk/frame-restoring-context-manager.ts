import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** The async resource type each `with` call runs in, as async hooks see it. */
export const CONTEXT_SCOPE_TYPE = 'nest-telemetry.context';

/**
 * OpenTelemetry's AsyncLocalStorage context manager, entering a context with one copy of
 * Node's async context frame instead of two. Where AsyncLocalStorage keeps its values in
 * Node's AsyncContextFrame (the default since Node 24), `AsyncLocalStorage.run` copies the
 * frame (a `Map` of every storage's value) to enter, and again to leave; an async
 * resource's `runInAsyncScope` puts the caller's own frame back when it returns, so an
 * `enterWith` inside it is the only copy. Every request enters its span's context once,
 * and every `bind` and `@Traced()` method goes through `with`: in the app's profile the
 * two copies took 1.1 µs a request, and `bench:request-pipeline` measured 0.36-0.46 KB and
 * 0.24-0.64 µs a request less (BENCHMARKS.md, "Nineteenth session").
 *
 * What the function sees is `run`'s: the context active inside, and in every continuation
 * it starts (promises, timers); the caller's context and every other storage's value back
 * when it returns or throws; a context already active is not entered again. Async hooks
 * see one resource of type `nest-telemetry.context` per call, destroyed when it returns.
 * Where the manager's storage is not where this version of OpenTelemetry keeps it, `with`
 * is the base class's.
 * @internal
 */
export class FrameRestoringContextManager extends AsyncLocalStorageContextManager {
  private readonly storage: AsyncLocalStorage<Context> | undefined;

  constructor() {
    super();
    const storage = (this as unknown as { _asyncLocalStorage?: unknown })._asyncLocalStorage;
    this.storage = storage instanceof AsyncLocalStorage ? (storage as AsyncLocalStorage<Context>) : undefined;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const storage = this.storage;
    if (storage === undefined) return super.with(context, fn, thisArg, ...args);
    if (storage.getStore() === context) return fn.apply(thisArg, args);
    // Destroyed by hand when the call returns: no destroy hook kept per call by the garbage collector.
    const scope = new AsyncResource(CONTEXT_SCOPE_TYPE, { requireManualDestroy: true });
    try {
      return scope.runInAsyncScope(enterAndCall, undefined, storage, context, fn, thisArg, args) as ReturnType<F>;
    } finally {
      scope.emitDestroy();
    }
  }
}

function enterAndCall<A extends unknown[], R>(storage: AsyncLocalStorage<Context>, context: Context, fn: (...args: A) => R, thisArg: unknown, args: A): R {
  storage.enterWith(context);
  return fn.apply(thisArg, args);
}

/**
 * Whether AsyncLocalStorage keeps its values in Node's AsyncContextFrame. There, an async
 * resource holds the frame it was created in, and a value entered while it runs is gone
 * the next time it runs; with async hooks (Node 20 and 22 by default, or
 * `--no-async-context-frame`), the value is set on the resource itself and stays.
 * @internal
 */
export function asyncContextFrameActive(): boolean {
  const storage = new AsyncLocalStorage<boolean>();
  const resource = new AsyncResource('nest-telemetry.context-frame-probe', { requireManualDestroy: true });
  try {
    resource.runInAsyncScope(() => storage.enterWith(true));
    return resource.runInAsyncScope(() => storage.getStore()) === undefined;
  } finally {
    resource.emitDestroy();
    storage.disable();
  }
}

/**
 * The context manager the SDK registers: one frame copy per `with` where AsyncContextFrame
 * holds the values; OpenTelemetry's own elsewhere, whose `run` copies nothing there and
 * is the cheaper.
 * @internal
 */
export function createContextManager(frameActive = asyncContextFrameActive()): ContextManager {
  return frameActive ? new FrameRestoringContextManager() : new AsyncLocalStorageContextManager();
}
