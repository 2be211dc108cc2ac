/**
 * Flat keys callers commonly pass, and the nested group field of the log line
 * reference they belong to, so Logs Insights and LogQL can query `user.id`,
 * `workflow.status`… whatever spelling the caller used.
 */
const FLAT_KEYS: Record<string, [group: string, field: string]> = {
  user_id: ['user', 'id'],
  userId: ['user', 'id'],
  user_segment: ['user', 'segment'],
  userSegment: ['user', 'segment'],
  session_id: ['session', 'id'],
  sessionId: ['session', 'id'],
  session_duration: ['session', 'duration'],
  workflow_id: ['workflow', 'id'],
  workflowId: ['workflow', 'id'],
  workflow_type: ['workflow', 'type'],
  workflowType: ['workflow', 'type'],
  workflow_status: ['workflow', 'status'],
  workflowStatus: ['workflow', 'status'],
  operation_name: ['operation', 'name'],
  operationName: ['operation', 'name'],
  operation_result: ['operation', 'result'],
  operation_duration: ['operation', 'duration'],
  error_type: ['error', 'type'],
  error_code: ['error', 'code'],
  error_message: ['error', 'message'],
  error_category: ['error', 'category'],
  // nestjs-pino's logger context (the class that logged) is where the line came from.
  context: ['source', 'module'],
};

/** An exception as the `exception` group holds it. @internal */
export interface ExceptionGroup {
  class: string;
  stack_trace?: string;
  file?: string;
  line?: number;
}

// "    at method (/path/to/file.ts:12:34)" or "    at /path/to/file.ts:12:34"
const STACK_FRAME = /\n\s+at (?:.*? \()?(.+?):(\d+):\d+\)?/;

/**
 * Moves flat keys into their groups, and turns an attached error (`err`, pino's key, or
 * an `error` that is an Error) into the `error` and `exception` groups.
 * Returns the object unchanged when there is nothing to move.
 * @internal
 */
export function groupFields(object: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const edit = () => (out ??= { ...object });

  for (const key of Object.keys(object)) {
    const target = FLAT_KEYS[key];
    if (!target || object[key] === undefined) continue;
    const [group, field] = target;
    const result = edit();
    const existing = result[group];
    result[group] = { ...(isPlainObject(existing) ? existing : {}), [field]: object[key] };
    delete result[key];
  }

  const error = errorOf(object);
  if (error) {
    const result = edit();
    delete result.err;
    if (result.error === error) delete result.error;
    const existingError = isPlainObject(result.error) ? result.error : {};
    result.error = { type: error.name, message: error.message, ...existingError, ...codeOf(error) };
    result.exception = exceptionOf(error);
  } else if (typeof object.stack === 'string') {
    // Nest's own `logger.error(message, stack)`.
    const result = edit();
    delete result.stack;
    result.exception = { ...frameOf(object.stack), class: 'Error', stack_trace: object.stack };
  }
  return out ?? object;
}

/** The `exception` group of an error: class, stack, and where it was thrown. @internal */
export function exceptionOf(error: Error): ExceptionGroup {
  return { class: errorClassOf(error), stack_trace: error.stack, ...frameOf(error.stack) };
}

/** An error's class name (`NotFoundException`, `TypeError`), as `exception.class` and `error.type` name it. @internal */
export function errorClassOf(error: Error): string {
  return error.constructor?.name || error.name;
}

function errorOf(object: Record<string, unknown>): Error | undefined {
  if (object.err instanceof Error) return object.err;
  if (object.error instanceof Error) return object.error;
  return undefined;
}

function codeOf(error: Error): { code?: string | number } {
  const code = (error as { code?: unknown; status?: unknown }).code ?? (error as { status?: unknown }).status;
  return typeof code === 'string' || typeof code === 'number' ? { code } : {};
}

function frameOf(stack: string | undefined): { file?: string; line?: number } {
  const match = stack ? STACK_FRAME.exec(stack) : null;
  return match ? { file: match[1], line: Number(match[2]) } : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}
