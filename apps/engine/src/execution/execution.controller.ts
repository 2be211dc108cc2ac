import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService, TraceService } from 'nest-telemetry';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ExecuteDto } from './execute.dto';
import { StepFailedError } from './step-failed.error';
import { StepRunner } from './step.runner';

/** The sample has one kind of workflow: steps planned by the agent. */
const WORKFLOW_TYPE = 'generated';

interface StepResult {
  name: string;
  status: 'succeeded' | 'failed';
  duration_ms: number;
  error?: string;
}

/**
 * `POST /execute`: runs the steps in order and stops at the first failure, answering
 * 500 with the partial result so the caller still learns which step failed.
 */
@Controller('execute')
export class ExecutionController {
  constructor(
    private readonly runner: StepRunner,
    private readonly traces: TraceService,
    private readonly metrics: MetricsService,
    @InjectPinoLogger(ExecutionController.name) private readonly logger: PinoLogger,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  async execute(@Body() dto: ExecuteDto, @Res({ passthrough: true }) response: Response) {
    const workflowStarted = performance.now();
    const steps: StepResult[] = [];
    for (const name of dto.steps) {
      const started = performance.now();
      try {
        await this.runner.run(name);
        steps.push({ name, status: 'succeeded', duration_ms: elapsed(started) });
        this.metrics.recordTask(name, 'succeeded', elapsed(started) / 1000);
      } catch (error) {
        if (!(error instanceof StepFailedError)) throw error;
        steps.push({ name, status: 'failed', duration_ms: elapsed(started), error: error.message });
        this.metrics.recordTask(name, 'failed', elapsed(started) / 1000);
        this.metrics.recordWorkflowExecution(WORKFLOW_TYPE, 'failed', elapsed(workflowStarted) / 1000);
        // An ERROR log inside the span: also an `error_log` event with the exception on the trace.
        this.logger.error({ err: error, workflow_id: dto.workflow_id, workflow_status: 'failed' }, `workflow step "${name}" failed`);
        response.status(HttpStatus.INTERNAL_SERVER_ERROR);
        return { workflow_id: dto.workflow_id, status: 'failed' as const, steps };
      }
    }
    this.metrics.recordWorkflowExecution(WORKFLOW_TYPE, 'completed', elapsed(workflowStarted) / 1000);
    this.logger.info({ workflow_id: dto.workflow_id, workflow_status: 'completed', steps: steps.length }, 'workflow executed');
    return { workflow_id: dto.workflow_id, status: 'completed' as const, steps };
  }
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}
