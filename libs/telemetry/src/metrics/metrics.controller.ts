import { Controller, Get, NotFoundException, Req, Res, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { MetricsExposition } from './metrics-exposition';

interface ScrapeRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface ScrapeResponse {
  writeHead(status: number, headers: Record<string, string>): ScrapeResponse;
  end(body: string): unknown;
}

/**
 * `/metrics` on the app's own port, mounted by @willsoto/nestjs-prometheus (which sets
 * its path). It lives in that module, so it finds the telemetry providers through the
 * ModuleRef rather than by injection: `isGlobal: false` must not break it.
 * @internal
 */
@Controller()
export class MetricsController implements OnModuleInit {
  private exposition: MetricsExposition | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    const options = this.moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS, { strict: false });
    // Served on a port of its own, or not at all: the app's port answers 404.
    if (options.metrics.enabled && options.metrics.port === undefined) {
      this.exposition = this.moduleRef.get(MetricsExposition, { strict: false });
    }
  }

  @Get()
  async index(@Req() request: ScrapeRequest, @Res() response: ScrapeResponse): Promise<void> {
    if (!this.exposition) throw new NotFoundException();
    const scrape = await this.exposition.render(request.headers);
    // Plain node response: the content type goes out exactly as prom-client spells it.
    response.writeHead(scrape.status, scrape.headers).end(scrape.body);
  }
}
