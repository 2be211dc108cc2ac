import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';

/**
 * Global tracing for tests: finished spans are kept in memory, context flows through
 * async code, `traceparent` is read and written. Pair every `start()` with `stop()`.
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
  private readonly provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: this.exporter })],
  });
  private readonly contextManager = new AsyncLocalStorageContextManager();

  private constructor() {}

  static start(): InMemoryTracing {
    const tracing = new InMemoryTracing();
    context.setGlobalContextManager(tracing.contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracing.provider);
    return tracing;
  }

  /** Finished spans, oldest first. */
  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** The finished span with this name; throws, listing what there is, when there is none. */
  span(name: string): ReadableSpan {
    const found = this.spans().find((span) => span.name === name);
    if (!found) throw new Error(`no finished span "${name}"; finished: ${this.spans().map((s) => s.name).join(', ') || 'none'}`);
    return found;
  }

  reset(): void {
    this.exporter.reset();
  }

  /** Unregisters everything `start()` registered, so the next test starts clean. */
  async stop(): Promise<void> {
    this.exporter.reset();
    trace.disable();
    propagation.disable();
    context.disable();
    await this.provider.shutdown();
  }
}
