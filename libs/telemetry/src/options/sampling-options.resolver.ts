import type { Sampler } from '@opentelemetry/sdk-trace';
import type { SamplingRule, TelemetryEnvironment, TelemetrySampling, TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSampling } from './resolved-telemetry-options.interface';
import { InvalidTelemetryOptionsError } from './invalid-telemetry-options.error';
import { sensitiveKeyMatcher } from '../logging/redaction';
import { blankToUndefined, bool, HEADER_NAME, pathPattern } from './option-validators';

type Env = Record<string, string | undefined>;

const isSensitiveKey = sensitiveKeyMatcher();

/** New traces recorded by default: every one while developing, a tenth in production (the seeds' 10 %). */
export const DEFAULT_SAMPLING_RATIOS: Record<TelemetryEnvironment, number> = { dev: 1, staging: 1, prod: 0.1 };

/** The standard `OTEL_TRACES_SAMPLER` values built in: the root sampler, and whether the parent decides. */
const ENV_SAMPLERS: Record<string, { root: ResolvedSampling['root']; parentBased: boolean }> = {
  always_on: { root: 'always_on', parentBased: false },
  always_off: { root: 'always_off', parentBased: false },
  traceidratio: { root: 'traceidratio', parentBased: false },
  parentbased_always_on: { root: 'always_on', parentBased: true },
  parentbased_always_off: { root: 'always_off', parentBased: true },
  parentbased_traceidratio: { root: 'traceidratio', parentBased: true },
};
// Standard values whose samplers need a remote agent: not bundled, a Sampler instance does it.
const REMOTE_SAMPLERS = ['jaeger_remote', 'parentbased_jaeger_remote', 'xray'];

/**
 * `sampler` / `samplingRatio`, then `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`,
 * then the environment's default ratio, parent-based. An option always wins over a variable.
 * @throws InvalidTelemetryOptionsError naming the option or variable at fault
 * @internal
 */
export function resolveSampling(options: TelemetrySdkOptions, env: Env, environment: TelemetryEnvironment): ResolvedSampling {
  const { sampler, samplingRatio } = options;
  if (isSampler(sampler)) {
    return { custom: sampler, root: 'traceidratio', ratio: 1, parentBased: true, alwaysSample: [] };
  }
  if (sampler !== undefined && (typeof sampler !== 'object' || sampler === null || Array.isArray(sampler))) {
    throw new InvalidTelemetryOptionsError('sampler', sampler, 'an object ({ ratio, parentBased, alwaysSample }) or an OpenTelemetry Sampler');
  }
  const settings: TelemetrySampling = sampler ?? {};
  if (settings.ratio !== undefined && samplingRatio !== undefined && settings.ratio !== samplingRatio) {
    throw new InvalidTelemetryOptionsError('samplingRatio', samplingRatio, `no second value: sampler.ratio is ${settings.ratio}`);
  }
  const fromEnv = envSampler(env);
  const optionRatio = settings.ratio ?? samplingRatio;
  const ratio =
    optionRatio !== undefined
      ? ratioOf(settings.ratio !== undefined ? 'sampler.ratio' : 'samplingRatio', optionRatio)
      : (fromEnv?.ratio ?? DEFAULT_SAMPLING_RATIOS[environment]);
  // A ratio written in the options makes the ratio sampler decide, whatever the variable's kind.
  const root = optionRatio !== undefined ? 'traceidratio' : (fromEnv?.root ?? 'traceidratio');
  return {
    custom: undefined,
    root,
    ratio,
    parentBased: bool('sampler.parentBased', settings.parentBased ?? fromEnv?.parentBased ?? true),
    alwaysSample: rules(settings.alwaysSample ?? []),
  };
}

function envSampler(env: Env): { root: ResolvedSampling['root']; parentBased: boolean; ratio: number | undefined } | undefined {
  const name = blankToUndefined(env.OTEL_TRACES_SAMPLER)?.toLowerCase();
  const arg = blankToUndefined(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = arg === undefined ? undefined : ratioOf('samplingRatio (OTEL_TRACES_SAMPLER_ARG)', Number(arg), arg);
  if (name === undefined) return ratio === undefined ? undefined : { root: 'traceidratio', parentBased: true, ratio };
  const known = ENV_SAMPLERS[name];
  if (known) return { ...known, ratio };
  const expected = REMOTE_SAMPLERS.includes(name)
    ? 'a sampler built in here; this one needs a remote agent: pass its Sampler instance as the `sampler` option'
    : `one of ${Object.keys(ENV_SAMPLERS).join(', ')}`;
  throw new InvalidTelemetryOptionsError('sampler (OTEL_TRACES_SAMPLER)', env.OTEL_TRACES_SAMPLER, expected);
}

function ratioOf(option: string, value: unknown, shown: unknown = value): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  throw new InvalidTelemetryOptionsError(option, shown, 'a number between 0 and 1');
}

function rules(value: unknown): SamplingRule[] {
  if (!Array.isArray(value)) throw new InvalidTelemetryOptionsError('sampler.alwaysSample', value, 'an array of rules');
  value.forEach((rule: unknown, index) => {
    const option = `sampler.alwaysSample[${index}]`;
    const expected = '{ header, value? }, { path } or { attribute, value? }';
    if (typeof rule !== 'object' || rule === null) throw new InvalidTelemetryOptionsError(option, rule, expected);
    const given = rule as Record<string, unknown>;
    if ('header' in given) {
      if (typeof given.header !== 'string' || !HEADER_NAME.test(given.header)) {
        throw new InvalidTelemetryOptionsError(`${option}.header`, given.header, 'an HTTP header name');
      }
      // The rule's header is captured on the span (exported): never a credential.
      if (isSensitiveKey(given.header)) {
        throw new InvalidTelemetryOptionsError(`${option}.header`, given.header, 'a header that holds no secret (it is recorded on the span; credentials and cookies are not)');
      }
      if (given.value !== undefined && typeof given.value !== 'string' && !(given.value instanceof RegExp)) {
        throw new InvalidTelemetryOptionsError(`${option}.value`, given.value, 'a string or a RegExp');
      }
    } else if ('path' in given) {
      pathPattern(`${option}.path`, given.path);
    } else if ('attribute' in given) {
      if (typeof given.attribute !== 'string' || given.attribute === '') throw new InvalidTelemetryOptionsError(`${option}.attribute`, given.attribute, 'an attribute name');
    } else {
      throw new InvalidTelemetryOptionsError(option, rule, expected);
    }
  });
  return value as SamplingRule[];
}

function isSampler(value: unknown): value is Sampler {
  return typeof (value as Sampler | undefined)?.shouldSample === 'function';
}

/** The request headers sampling rules read, lowercased: the server span captures them as attributes. @internal */
export function sampledHeaders(sampling: ResolvedSampling): string[] {
  const names = sampling.alwaysSample.flatMap((rule) => ('header' in rule ? [rule.header.toLowerCase()] : []));
  return [...new Set(names)];
}
