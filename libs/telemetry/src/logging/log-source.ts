import { resolve } from 'node:path';

/** Where a log line was written from: `source.function`, `source.file`, `source.line`. @internal */
export interface LogSource {
  function: string;
  file: string;
  line: number;
}

// Frames between the caller and the line: pino, nestjs-pino, Nest's Logger, and the
// logger's own hook and mixin (logger.factory, as built or, through its source map, as
// written). The first frame past them is the caller's.
const PACKAGE_ROOT = resolve(__dirname, '..', '..');
const LOGGER_FACTORY = /[\\/]logging[\\/]logger\.factory\.[jt]s$/;
const PASSED_THROUGH = ['/node_modules/pino/', '/node_modules/nestjs-pino/', '/node_modules/pino-http/', '/node_modules/@nestjs/common/services/'];
// Enough frames to get past the logging stack (up to 12 deep through Nest's Logger); each costs.
const FRAMES = 16;
// "    at Type.method (/app/dist/file.js:12:34)", "    at async fn (file:12:34)", "    at /app/file.js:12:34"
const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * The function, file and line that logged. Where source maps apply (`node
 * --enable-source-maps`, ts-node, jest: anything that formats stacks itself), it reads
 * the stack as the runtime formats it, so a TypeScript app gets its `.ts` lines; where
 * they do not, it reads V8's call sites without formatting a stack, several times
 * cheaper. Either way a stack per line is not free (BENCHMARKS.md), hence opt-in:
 * `logging.source`.
 * @internal
 */
export function callerSource(): LogSource | undefined {
  // Node's own formatter (ErrorPrepareStackTrace, Node 22+) or none: nothing maps the stack.
  const formatter = Error.prepareStackTrace;
  const sourceMapped = process.sourceMapsEnabled || (formatter !== undefined && formatter.name !== 'ErrorPrepareStackTrace');
  try {
    return sourceMapped ? fromFormattedStack() : fromCallSites();
  } catch {
    // A stack formatter of someone else's that throws: the line goes without its source.
    return undefined;
  }
}

function fromCallSites(): LogSource | undefined {
  const { stackTraceLimit, prepareStackTrace } = Error;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  let sites: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = FRAMES;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.captureStackTrace(holder, callerSource);
    // The stack is prepared when first read: read while the call sites are what it returns.
    sites = holder.stack ?? [];
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (!file || isPassedThrough(file)) continue;
    const name = site.getFunctionName();
    const type = site.getTypeName();
    const qualified = name && type && type !== 'Object' && !name.startsWith(`${type}.`) ? `${type}.${name}` : (name ?? undefined);
    return { function: functionNameOf(qualified), file: withoutScheme(file), line: site.getLineNumber() ?? 0 };
  }
  return undefined;
}

function fromFormattedStack(): LogSource | undefined {
  const limit = Error.stackTraceLimit;
  const holder: { stack?: string } = {};
  try {
    Error.stackTraceLimit = FRAMES;
    Error.captureStackTrace(holder, callerSource);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const frame of (holder.stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(frame);
    if (!match) continue;
    const [, name, file, line] = match;
    if (isPassedThrough(file)) continue;
    return { function: functionNameOf(name), file: withoutScheme(file), line: Number(line) };
  }
  return undefined;
}

function isPassedThrough(file: string): boolean {
  if (file.startsWith('node:') || PASSED_THROUGH.some((part) => file.includes(part))) return true;
  return file.startsWith(PACKAGE_ROOT) && LOGGER_FACTORY.test(file);
}

function withoutScheme(file: string): string {
  return file.startsWith('file://') ? file.slice('file://'.length) : file;
}

/** `OrdersRepository.find` (without V8's ` [as alias]`), or `<anonymous>`. */
function functionNameOf(name: string | undefined): string {
  const cleaned = name?.replace(/ \[as [^\]]+\]$/, '').replace(/^Object\./, '');
  return cleaned || '<anonymous>';
}
