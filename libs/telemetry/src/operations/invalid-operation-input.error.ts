/** A value an operations method cannot record (nothing was recorded). @publicApi */
export class InvalidOperationInputError extends Error {
  constructor(method: string, what: string, value: unknown) {
    super(`${method}: ${what}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
    this.name = 'InvalidOperationInputError';
  }
}
