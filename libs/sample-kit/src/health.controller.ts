import { Controller, Get, Inject } from '@nestjs/common';
import { TELEMETRY_OPTIONS, type ResolvedTelemetryOptions } from 'nest-telemetry';

/** `GET /health`: liveness for the launcher, tests and load balancers (never traced). */
@Controller('health')
export class HealthController {
  constructor(@Inject(TELEMETRY_OPTIONS) private readonly telemetry: ResolvedTelemetryOptions) {}

  @Get()
  check(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.telemetry.serviceName };
  }
}
