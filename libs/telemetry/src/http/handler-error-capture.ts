import { Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { isObservable, tap } from 'rxjs';
import { standInFor } from '../tracing/method-wrapper';
import { recordHandlerError } from './handler-error';

const CAPTURES_ERRORS = Symbol.for('nest-telemetry.captures-handler-errors');

type Handler = ((...args: unknown[]) => unknown) & { [CAPTURES_ERRORS]?: true };

/**
 * Lets `error.type` name the exception a route handler threw (`NotFoundException`, not
 * only `404`), whatever exception filter answers it. Each controller's route handlers
 * are wrapped once, as the app's modules are instantiated (before Nest reads them to
 * register its routes): a thrown error or a rejected promise is noted on the request
 * (recordHandlerError) and passed on untouched. Not a global interceptor: Nest's
 * interceptor pipeline halves a small handler's throughput; this costs a function call,
 * and for an async handler one promise reaction.
 * @internal
 */
@Injectable()
export class HandlerErrorCapture {
  constructor(discovery: DiscoveryService, scanner: MetadataScanner) {
    for (const wrapper of discovery.getControllers()) {
      const prototype = (wrapper.metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
      if (!prototype) continue;
      for (const name of scanner.getAllMethodNames(prototype)) captureErrorsOf(prototype, name);
    }
  }
}

function captureErrorsOf(prototype: Record<string, unknown>, name: string): void {
  const handler = prototype[name] as Handler;
  // Route handlers only, once per class (several apps in a process may share controllers).
  if (typeof handler !== 'function' || handler[CAPTURES_ERRORS] || Reflect.getMetadata(PATH_METADATA, handler) === undefined) return;
  const capturing: Handler = standInFor(handler, function (this: unknown, ...args: unknown[]) {
    let result: unknown;
    try {
      result = handler.apply(this, args);
    } catch (error) {
      recordHandlerError(error);
      throw error;
    }
    // Registered before Nest awaits the promise, so the class is noted before any filter answers.
    if (result instanceof Promise) result.then(undefined, recordHandlerError);
    else if (isObservable(result)) return result.pipe(tap({ error: recordHandlerError }));
    return result;
  });
  capturing[CAPTURES_ERRORS] = true;
  prototype[name] = capturing;
}
