import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { TRACKING_ID_KEY, traceIdOf, type RequestWithTrackingId } from './tracking-id';

/**
 * Injects the current request's tracking id (its trace id) into a handler parameter:
 * `create(@Body() dto: CreateDto, @TrackingId() trackingId: string)`.
 * @publicApi
 */
export const TrackingId = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const request = context.switchToHttp().getRequest<RequestWithTrackingId | undefined>();
  return request?.[TRACKING_ID_KEY] ?? traceIdOf(trace.getActiveSpan());
});
