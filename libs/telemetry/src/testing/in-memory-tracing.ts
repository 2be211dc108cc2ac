import { isWrapped } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { endQueuedObservations } from '../http/turn-end-observations';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import { currentTelemetryRuntime, instrumentationsOf, startTelemetry } from '../sdk/start-telemetry';
import type { TelemetryRuntime } from '../sdk/telemetry-runtime';

interface ModuleDefinition {
  name: string;
  patch?: (exports: unknown) => unknown;
  unpatch?: (exports: unknown) => void;
}

/**
 * The real telemetry runtime for tests, with finished spans kept in memory: the same
 * `startTelemetry()` an app runs (sampler, tracking ids, propagation), exporting one span
 * at a time, as it ends, to an `InMemorySpanExporter` (no asynchronous resource detection
 * to wait for). In-process tests get the same server spans as production, since the
 * module's request pipeline makes them; under jest, whose module registry the
 * instrumentations' require hooks never see, it also applies the http instrumentation to
 * `node:http` for outgoing calls. Pair every `start()` with `stop()`.
 *
 * ```ts
 * let tracing: InMemoryTracing;
 * beforeEach(() => (tracing = InMemoryTracing.start()));
 * afterEach(() => tracing.stop());
 * ```
 * @publicApi
 */
export class InMemoryTracing {
  readonly exporter = new InMemorySpanExporter();
  readonly runtime: TelemetryRuntime;
  private readonly unpatch: (() => void)[] = [];

  private constructor(options: TelemetrySdkOptions) {
    if (currentTelemetryRuntime()) {
      throw new Error('InMemoryTracing.start(): a telemetry runtime is already running in this process; shut it down (or stop() the previous InMemoryTracing) first');
    }
    this.runtime = startTelemetry({ detectResources: false, ...options, spanExporter: this.exporter, batch: false });
    this.patchHttpModule();
  }

  /** Starts the runtime; options as `startTelemetry()` takes them (the exporter is this one). */
  static start(options: TelemetrySdkOptions = {}): InMemoryTracing {
    return new InMemoryTracing(options);
  }

  /** Finished spans, oldest first (a closed response's server span among them, though its turn of the event loop has not ended). */
  spans(): ReadableSpan[] {
    endQueuedObservations();
    return this.exporter.getFinishedSpans();
  }

  /** The finished span with this name; throws, listing what there is, when there is none. */
  span(name: string): ReadableSpan {
    const found = this.spans().find((span) => span.name === name);
    if (!found) throw new Error(`no finished span "${name}"; finished: ${this.spans().map((s) => s.name).join(', ') || 'none'}`);
    return found;
  }

  reset(): void {
    endQueuedObservations();
    this.exporter.reset();
  }

  /** Shuts the runtime down (globals unregistered, modules unpatched), so the next test starts clean. */
  async stop(): Promise<void> {
    for (const undo of this.unpatch.splice(0)) undo();
    this.exporter.reset();
    await this.runtime.shutdown();
  }

  /** Outgoing `node:http` calls: their CLIENT spans and `traceparent`. */
  private patchHttpModule(): void {
    const http = instrumentationsOf(this.runtime).find((instrumentation) => instrumentation instanceof HttpInstrumentation);
    // Outside jest the require hook has patched (or will patch) node:http itself.
    if (!http || isWrapped((require('node:http') as typeof import('node:http')).Server.prototype.emit)) return;
    for (const definition of (http as unknown as { getModuleDefinitions(): ModuleDefinition[] }).getModuleDefinitions()) {
      const exports = require(`node:${definition.name}`) as unknown;
      definition.patch?.(exports);
      this.unpatch.push(() => definition.unpatch?.(exports));
    }
  }
}
