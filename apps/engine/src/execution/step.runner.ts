import { Injectable } from '@nestjs/common';
import { sleep } from '@samples/kit';
import { TraceService, Traced } from 'nest-telemetry';
import { StepFailedError } from './step-failed.error';

/** Simulated step latencies: `slow` takes about 2 s, anything else a few ms. */
const SLOW_STEP_MS = 2_000;
const STEP_MS = 5;

@Injectable()
export class StepRunner {
  constructor(private readonly traces: TraceService) {}

  /** One span per step; a failing step ends its span with status ERROR. */
  @Traced({ name: 'workflow.step' })
  async run(step: string): Promise<void> {
    this.traces.setAttributes({ 'workflow.step.name': step });
    if (step === 'fail') throw new StepFailedError(step);
    await sleep(step === 'slow' ? SLOW_STEP_MS : STEP_MS);
  }
}
