import { standInFor } from '../tracing/method-wrapper';
import { runInSpan } from '../tracing/run-in-span';
import type { OperationMetadata } from './operation-record';
import { activeOperationRecorder } from './operation-recorder';
import { operationSpanOptions } from './operation-span';

/** Options of `@Measured()`. @publicApi */
export interface MeasuredOptions {
  /** The component the operation belongs to (`component` label). */
  component: string;
  /** Metadata kept in each record. */
  metadata?: OperationMetadata;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Measures every run of a method as an operation (`MetricsService.measure()`): a span named
 * `name`, `operations_total` and `operation_duration_seconds` by type and component, the
 * heap delta, and an `OperationRecord`. Sync, async and Observable methods; a throw or
 * rejection is a `failure`. Records go to the running app's TelemetryModule; without one,
 * the run still gets its span.
 *
 * ```ts
 * @Measured('excel_processing', { component: 'pre_processor' })
 * async process(file: Buffer) { … }
 * ```
 * @publicApi
 */
export function Measured(name: string, options: MeasuredOptions): MethodDecorator {
  return (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor) => {
    if (typeof descriptor?.value !== 'function') {
      throw new TypeError(`@Measured(): ${String(propertyKey)} is not a method; only methods can be measured`);
    }
    const method = descriptor.value as AnyFunction;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const recorder = activeOperationRecorder();
      const run = () => method.apply(this, args);
      if (!recorder) return runInSpan(name, operationSpanOptions(name, options.component), run);
      return recorder.measure(name, options.component, run, options.metadata);
    };
    descriptor.value = standInFor(method, wrapper);
    return descriptor;
  };
}
