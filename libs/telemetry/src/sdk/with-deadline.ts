/** Thrown by withDeadline when the work did not finish in time. @internal */
export class DeadlineExceededError extends Error {
  constructor(what: string, millis: number) {
    super(`${what} did not finish within ${millis} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * The work's result, or a DeadlineExceededError once `millis` have passed; the timer does
 * not keep the process alive. Used where a hung collector must not hold a shutdown.
 * @internal
 */
export function withDeadline<T>(work: Promise<T>, millis: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, millis)), Math.max(0, millis));
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
