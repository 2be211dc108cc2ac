import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { GenerateDto } from './generate.dto';
import { LlmClient } from './llm.client';

/** `POST /generate`: turns a workflow request into a plan (the LLM call is simulated). */
@Controller('generate')
export class GenerationController {
  constructor(private readonly llm: LlmClient) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  async generate(@Body() dto: GenerateDto) {
    const completion = await this.llm.complete(`Plan the workflow "${dto.name}" with steps: ${dto.steps.join(', ')}`);
    return { model: completion.model, provider: completion.provider, steps: dto.steps, usage: completion.usage };
  }
}
