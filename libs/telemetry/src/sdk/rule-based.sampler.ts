import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace';
import { ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { SamplingRule } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSampling } from '../options/resolved-telemetry-options.interface';
import { createPathMatcher } from './ignored-paths';

/**
 * The sampler a resolved `sampler` option describes: the user's own as is, otherwise
 * the rules over always-on, always-off or the ratio, under ParentBasedSampler unless
 * parent-based sampling was turned off.
 * @internal
 */
export function createSampler(sampling: ResolvedSampling): Sampler {
  if (sampling.custom) return sampling.custom;
  const decide = rootSampler(sampling);
  const root = sampling.alwaysSample.length > 0 ? new RuleBasedSampler(sampling.alwaysSample, decide) : decide;
  return sampling.parentBased ? new ParentBasedSampler({ root }) : root;
}

/**
 * Always-on, always-off or the ratio. A ratio of 1 or 0 decides as always-on or always-off
 * (every trace id the tracer makes is valid): the ratio sampler tests each trace id with a
 * regular expression and adds up its 32 characters, about 0.4 µs a span where always-on
 * takes 0.02 (a loop over ids as the id generator makes them).
 */
function rootSampler(sampling: ResolvedSampling): Sampler {
  if (sampling.root === 'always_on' || (sampling.root === 'traceidratio' && sampling.ratio >= 1)) return new AlwaysOnSampler();
  if (sampling.root === 'always_off' || (sampling.root === 'traceidratio' && !(sampling.ratio > 0))) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(sampling.ratio);
}

/**
 * Whether the sampler a resolved `sampler` option describes may decide on a span's
 * attributes: a sampler of the user's own may, rules do; the ratio, always-on and
 * always-off decide on the trace id and the parent only.
 * @internal
 */
export function samplerReadsAttributes(sampling: ResolvedSampling): boolean {
  return sampling.custom !== undefined || sampling.alwaysSample.length > 0;
}

/** The span attribute a rule's request header is read from (OpenTelemetry's `http.request.header.<key>`). @internal */
export function headerAttribute(header: string): string {
  return `http.request.header.${header.toLowerCase()}`;
}

type Match = (attributes: Attributes) => boolean;

/**
 * Records a new trace whenever one of the rules matches the attributes its span starts
 * with (a captured request header, `url.path`, any attribute), and leaves every other
 * decision to `fallback` (the ratio). Used as the root of a ParentBasedSampler, so a
 * continued trace follows its parent and rules decide only where a trace begins.
 * @internal
 */
export class RuleBasedSampler implements Sampler {
  private readonly matches: Match[];

  constructor(
    rules: readonly SamplingRule[],
    private readonly fallback: Sampler,
  ) {
    this.matches = rules.map(matcherOf);
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    for (const match of this.matches) if (match(attributes)) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.fallback.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `RuleBasedSampler{rules=${this.matches.length}, fallback=${this.fallback.toString()}}`;
  }
}

function matcherOf(rule: SamplingRule): Match {
  if ('path' in rule) {
    const isMatch = createPathMatcher([rule.path]);
    return (attributes) => typeof attributes[ATTR_URL_PATH] === 'string' && isMatch(attributes[ATTR_URL_PATH]);
  }
  const key = 'header' in rule ? headerAttribute(rule.header) : rule.attribute;
  const expected = rule.value;
  return (attributes) => {
    const value = attributes[key];
    if (value === undefined || value === null) return false;
    if (expected === undefined) return true;
    // A header attribute is an array of the header's values: any of them may match.
    return Array.isArray(value) ? value.some((item) => equals(item, expected)) : equals(value, expected);
  };
}

function equals(value: unknown, expected: string | number | boolean | RegExp): boolean {
  if (expected instanceof RegExp) {
    // A /g or /y RegExp keeps its position between tests: each decision starts afresh.
    expected.lastIndex = 0;
    return typeof value === 'string' && expected.test(value);
  }
  return value === expected;
}
