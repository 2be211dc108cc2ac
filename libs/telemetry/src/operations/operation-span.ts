import type { SpanOptions } from '@opentelemetry/api';

/** The span of an operation run: named after the operation, with its name and component as attributes. @internal */
export function operationSpanOptions(name: string, component: string): SpanOptions {
  return { attributes: { 'operation.name': name, 'operation.component': component } };
}
