import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { BearerToken } from '../security/bearer-token';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { OperationRecorder } from './operation-recorder';

interface Request {
  headers: Record<string, string | string[] | undefined>;
  url?: string;
  originalUrl?: string;
}
interface Response {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * `GET /_telemetry/operations` (`?format=csv` for CSV, JSON otherwise): the operation
 * records and summary. Mounted only with `metrics.operations.endpoint: true`, and behind
 * `metrics.bearerToken` when one is set: records carry metadata.
 * @internal
 */
@Injectable()
export class OperationsEndpointMiddleware implements NestMiddleware {
  private readonly token: BearerToken | undefined;

  constructor(
    private readonly recorder: OperationRecorder,
    @Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions,
  ) {
    this.token = options.metrics.bearerToken === undefined ? undefined : new BearerToken(options.metrics.bearerToken);
  }

  use(request: Request, response: Response): void {
    if (this.token) {
      if (!this.token.authorizes(request.headers.authorization)) {
        response.statusCode = 401;
        response.setHeader('www-authenticate', 'Bearer');
        response.end();
        return;
      }
    }
    const url = new URL(request.originalUrl ?? request.url ?? '/', 'http://app');
    response.statusCode = 200;
    response.setHeader('cache-control', 'no-store');
    if (url.searchParams.get('format') === 'csv') {
      response.setHeader('content-type', 'text/csv; charset=utf-8');
      response.setHeader('content-disposition', 'attachment; filename="operations.csv"');
      response.end(this.recorder.toCsv());
      return;
    }
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify({ summary: this.recorder.summary(), records: this.recorder.records() }));
  }
}
