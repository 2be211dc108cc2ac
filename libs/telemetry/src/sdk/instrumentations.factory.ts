import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { httpServerInstrumentationConfig } from '../http/http-server.hooks';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';


/**
 * The auto-instrumentations, lean by default: one SERVER span per request from
 * `http` (named after the route by our own hook), one CLIENT span per outgoing call
 * (`http` or `fetch`), the Nest controller spans. Express spans (one per middleware)
 * are opt-in: they cost more than the rest of a request's telemetry together.
 * @internal
 */
export function createInstrumentations(options: ResolvedSdkOptions): Instrumentation[] {
  const { instrumentations: enabled } = options;
  const list: Instrumentation[] = [];
  if (enabled.http) list.push(new HttpInstrumentation(httpServerInstrumentationConfig(options)));
  if (enabled.undici) list.push(new UndiciInstrumentation());
  if (enabled.express) list.push(new ExpressInstrumentation());
  if (enabled.nestjs) list.push(new NestInstrumentation());
  return list;
}
