import { context } from '@opentelemetry/api';
import { getRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { errorClassOf } from '../logging/log-groups';
import { untracedRequestStorage } from '../tracking-id/tracking-id';

/**
 * Where a request keeps the class of the error its handler threw, until the response
 * closes and its span and metrics take it as `error.type`: the server span's RPC
 * metadata (in the request's context), or the untraced request's store.
 * @internal
 */
export interface HandlerErrorSlot {
  handlerError?: string;
}

/**
 * Notes the class of an error a route handler threw on the current request, the first
 * one only (what the handler itself threw, not what a filter made of it). A no-op
 * outside a request the module observes.
 * @internal
 */
export function recordHandlerError(error: unknown): void {
  const slot = (getRPCMetadata(context.active()) as (RPCMetadata & HandlerErrorSlot) | undefined) ?? untracedRequestStorage.getStore();
  if (slot && slot.handlerError === undefined) slot.handlerError = errorTypeOf(error);
}

/**
 * An error's class name (`NotFoundException`, `TypeError`), as OpenTelemetry's `error.type`
 * wants it; for a thrown non-Error, its type. Low cardinality: classes are code.
 * @internal
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return errorClassOf(error) || 'Error';
  return error === null ? 'null' : typeof error;
}
