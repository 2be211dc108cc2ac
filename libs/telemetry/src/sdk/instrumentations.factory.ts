import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';

/**
 * The auto-instrumentations, lean by default: one CLIENT span per outgoing call (`http`
 * or `fetch`); the SERVER span of each request comes from the app's HttpRequestPipeline.
 * Express spans (one per middleware) and the Nest controller spans are opt-in: they cost
 * more than the rest of a request's telemetry together.
 * @internal
 */
export function createInstrumentations(options: ResolvedSdkOptions): Instrumentation[] {
  const { instrumentations: enabled } = options;
  const list: Instrumentation[] = [];
  // Outgoing calls only: each app's HttpRequestPipeline makes the server spans, for less.
  if (enabled.http) list.push(new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }));
  if (enabled.undici) list.push(new UndiciInstrumentation());
  if (enabled.express) list.push(new ExpressInstrumentation());
  if (enabled.nestjs) list.push(new NestInstrumentation());
  // The app's own (pg, ioredis…): started, and stopped on shutdown, with the rest.
  list.push(...enabled.extra);
  return list;
}
