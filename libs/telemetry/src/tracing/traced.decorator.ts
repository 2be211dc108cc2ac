import { SpanKind } from '@opentelemetry/api';
import { standInFor } from './method-wrapper';
import { runInSpan } from './run-in-span';
import type { TracedOptions } from './span-options.interface';

/** Marks a wrapper so a class-level `@Traced()` does not wrap a method twice. */
const TRACED_WRAPPER = Symbol.for('nest-telemetry.traced');

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Traces a method, or every method of a class, in a span named `Class.method`
 * (or `options.name`). Works on sync, async and Observable-returning methods,
 * records exceptions with status ERROR, and keeps the method's name and metadata so
 * Nest decorators on the same method (`@UseGuards`, `@SetMetadata`, route
 * decorators) still work, in either order.
 *
 * A method-level `@Traced()` wins over the class-level one.
 * @publicApi
 */
export function Traced(options: TracedOptions = {}): ClassDecorator & MethodDecorator {
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      traceClass(target as new (...args: unknown[]) => unknown, options);
      return;
    }
    if (!descriptor || typeof descriptor.value !== 'function') {
      throw new TypeError(
        `@Traced(): ${className(target)}.${String(propertyKey)} is not a method; only methods and classes can be traced`,
      );
    }
    descriptor.value = wrap(descriptor.value as AnyFunction, `${className(target)}.${String(propertyKey)}`, options);
    return descriptor;
  }) as ClassDecorator & MethodDecorator;
}

function traceClass(constructor: new (...args: unknown[]) => unknown, options: TracedOptions): void {
  const prototype = constructor.prototype as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    // Accessors are not operations; already traced methods keep their own options.
    if (!descriptor || typeof descriptor.value !== 'function' || isTraced(descriptor.value)) continue;
    const { name: _ignoredClassLevelName, ...shared } = options;
    Object.defineProperty(prototype, key, {
      ...descriptor,
      value: wrap(descriptor.value as AnyFunction, `${constructor.name}.${key}`, shared),
    });
  }
}

function wrap(method: AnyFunction, defaultName: string, options: TracedOptions): AnyFunction {
  const name = options.name ?? defaultName;
  const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes };
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return runInSpan(name, spanOptions, () => method.apply(this, args));
  };
  Object.defineProperty(wrapper, TRACED_WRAPPER, { value: true });
  return standInFor(method, wrapper);
}

function isTraced(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[TRACED_WRAPPER] === true;
}

function className(target: object): string {
  return typeof target === 'function' ? target.name : target.constructor.name;
}
