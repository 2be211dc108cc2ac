/** A workflow step failed (the sample's `fail` step always does). */
export class StepFailedError extends Error {
  constructor(readonly step: string) {
    super(`step "${step}" failed`);
    this.name = 'StepFailedError';
  }
}
