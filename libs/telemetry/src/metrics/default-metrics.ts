import { collectDefaultMetrics, type Registry, type RegistryContentType } from 'prom-client';

// The module object itself, which prom-client reads (an `import * as` copy would not do).
const perfHooks = require('node:perf_hooks') as typeof import('node:perf_hooks');

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * prom-client's process and runtime metrics (CPU, memory, event loop lag, GC) on an
 * app's registry, and a way to stop them. `collectDefaultMetrics()` starts a GC
 * `PerformanceObserver` and an event-loop-delay monitor and returns no handle: every app
 * that closed would leave both running, observing into a registry nobody reads. The two
 * constructors are wrapped for the duration of that one synchronous call, to keep the
 * handles prom-client creates (and only those), then restored.
 * @internal
 */
export function startDefaultMetrics(registry: Registry<RegistryContentType>): () => void {
  const hooks = perfHooks as Mutable<typeof perfHooks>;
  const { PerformanceObserver: Observer, monitorEventLoopDelay } = hooks;
  const observers: InstanceType<typeof Observer>[] = [];
  const monitors: ReturnType<typeof monitorEventLoopDelay>[] = [];
  hooks.PerformanceObserver = class extends Observer {
    constructor(callback: ConstructorParameters<typeof Observer>[0]) {
      super(callback);
      observers.push(this);
    }
  };
  hooks.monitorEventLoopDelay = (options) => {
    const monitor = monitorEventLoopDelay(options);
    monitors.push(monitor);
    return monitor;
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    hooks.PerformanceObserver = Observer;
    hooks.monitorEventLoopDelay = monitorEventLoopDelay;
  }
  return () => {
    for (const observer of observers.splice(0)) observer.disconnect();
    for (const monitor of monitors.splice(0)) monitor.disable();
  };
}
