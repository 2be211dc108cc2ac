import { Module } from '@nestjs/common';
import { HealthController } from '@samples/kit';
import { TelemetryModule } from 'nest-telemetry';
import { telemetryOptions } from './telemetry.options';
import { GenerationController } from './generation/generation.controller';
import { LlmClient } from './generation/llm.client';

@Module({
  imports: [TelemetryModule.forRoot(telemetryOptions)],
  controllers: [GenerationController, HealthController],
  providers: [LlmClient],
})
export class AgentModule {}
