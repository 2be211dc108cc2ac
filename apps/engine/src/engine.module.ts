import { Module } from '@nestjs/common';
import { HealthController } from '@app/sample-kit';
import { TelemetryModule } from '@app/telemetry';
import { telemetryOptions } from './telemetry.options';
import { ExecutionController } from './execution/execution.controller';
import { StepRunner } from './execution/step.runner';

@Module({
  imports: [TelemetryModule.forRoot(telemetryOptions)],
  controllers: [ExecutionController, HealthController],
  providers: [StepRunner],
})
export class EngineModule {}
