import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService, routeTemplateOf } from 'nest-telemetry';
import { ApiKeyRegistry } from './api-key.registry';

const HEADER = 'x-api-key';

/**
 * Requests that carry `X-API-Key`: a key the gateway does not know is refused with 401;
 * every keyed request is counted in `api_key_usage_total` once its response is sent,
 * under a hash of the key (never the key) and the route template. Requests without a
 * key pass as before: the sample's endpoints stay open.
 */
@Injectable()
export class ApiKeyUsageMiddleware implements NestMiddleware {
  constructor(
    private readonly keys: ApiKeyRegistry,
    private readonly metrics: MetricsService,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const apiKey = request.headers[HEADER];
    if (typeof apiKey !== 'string' || apiKey === '') return next();
    const clientName = this.keys.clientOf(apiKey);
    if (clientName === undefined) {
      // Refused before routing: no route template to name.
      this.metrics.recordApiKeyUsage(apiKey, { endpoint: 'unmatched', success: false, clientName: 'unknown' });
      response.status(401).json({ statusCode: 401, message: 'unknown API key' });
      return;
    }
    response.once('finish', () => {
      const endpoint = routeTemplateOf(request) ?? 'unmatched';
      this.metrics.recordApiKeyUsage(apiKey, { endpoint, success: response.statusCode < 400, clientName });
    });
    next();
  }
}
