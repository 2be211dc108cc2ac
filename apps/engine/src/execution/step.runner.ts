import { Injectable } from '@nestjs/common';
import { sleep } from '@samples/kit';
import { MetricsService, TraceService } from 'nest-telemetry';
import { StepFailedError } from './step-failed.error';

/** Simulated step latencies: `slow` takes about 2 s, anything else a few ms. */
const SLOW_STEP_MS = 2_000;
const STEP_MS = 5;

@Injectable()
export class StepRunner {
  constructor(
    private readonly traces: TraceService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * One measured operation per step (seed 004): a `workflow.step` span (ERROR when the
   * step fails), `operations_total` / `operation_duration_seconds` for the `engine`
   * component, and an operation record with the step's name (GET /_telemetry/operations).
   */
  run(step: string): Promise<void> {
    return this.metrics.measure(
      'workflow.step',
      'engine',
      async () => {
        this.traces.setAttributes({ 'workflow.step.name': step });
        if (step === 'fail') throw new StepFailedError(step);
        await sleep(step === 'slow' ? SLOW_STEP_MS : STEP_MS);
      },
      { step },
    );
  }
}
