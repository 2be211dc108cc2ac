type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Makes `wrapper` stand in for `method` on a class: same `name` and `length`, and the
 * reflect metadata Nest keeps on the function itself (route, guard and pipe decorators),
 * so decorators applied in either order still work. Returns `wrapper`.
 * @internal
 */
export function standInFor<F extends AnyFunction>(method: AnyFunction, wrapper: F): F {
  Object.defineProperty(wrapper, 'name', { value: method.name });
  Object.defineProperty(wrapper, 'length', { value: method.length });
  for (const key of Reflect.getMetadataKeys(method)) Reflect.defineMetadata(key, Reflect.getMetadata(key, method), wrapper);
  return wrapper;
}
