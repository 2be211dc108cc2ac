import type { TraceState } from '@opentelemetry/api';

/** At most 32 list-members (W3C Trace Context §3.3.1.2). */
export const MAX_TRACESTATE_MEMBERS = 32;

// W3C Trace Context §3.3.1.3.1, exactly:
//   simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   multi-tenant-key = tenant-id "@" system-id
//   tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
const KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
// §3.3.1.3.2: value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
// OWS = *( SP / HTAB )
const OWS = /^[ \t]+|[ \t]+$/g;

/** Whether a tracestate key follows the spec's grammar (simple or `tenant@system`). @internal */
export function isValidTraceStateKey(key: string): boolean {
  return KEY.test(key);
}

/** Whether a tracestate value follows the spec's grammar. @internal */
export function isValidTraceStateValue(value: string): boolean {
  return VALUE.test(value);
}

/**
 * A `tracestate` accepted by the W3C rules. Its members keep their order and bytes, so an
 * unmodified state is forwarded exactly as received; `set` moves the key to the front,
 * as the spec asks of a modified entry.
 * @publicApi
 */
export class W3CTraceState implements TraceState {
  private constructor(private readonly members: ReadonlyArray<readonly [key: string, value: string]>) {}

  /**
   * Parses one or more `tracestate` header values (several headers are one list, joined
   * by commas). Returns undefined, discarding the whole header, when any non-empty member
   * has an invalid key or value, a key repeats, or there are more than 32 members; empty
   * and whitespace-only members are allowed and skipped.
   */
  static parse(header: string | readonly string[] | undefined): W3CTraceState | undefined {
    if (header === undefined) return undefined;
    const combined = typeof header === 'string' ? header : header.join(',');
    const members: Array<readonly [string, string]> = [];
    const seen = new Set<string>();
    for (const raw of combined.split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue;
      const equals = member.indexOf('=');
      if (equals === -1) return undefined;
      const key = member.slice(0, equals);
      const value = member.slice(equals + 1);
      if (!KEY.test(key) || !VALUE.test(value) || seen.has(key)) return undefined;
      seen.add(key);
      members.push([key, value]);
      if (members.length > MAX_TRACESTATE_MEMBERS) return undefined;
    }
    return new W3CTraceState(members);
  }

  /** An empty state, for a trace that starts here. */
  static empty(): W3CTraceState {
    return new W3CTraceState([]);
  }

  get(key: string): string | undefined {
    return this.members.find(([name]) => name === key)?.[1];
  }

  /**
   * A state with `key` set and moved to the front (§3.5). An invalid key or value leaves
   * the state unchanged; at 32 members, the last is removed to make room.
   */
  set(key: string, value: string): W3CTraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    const rest = this.members.filter(([name]) => name !== key).slice(0, MAX_TRACESTATE_MEMBERS - 1);
    return new W3CTraceState([[key, value], ...rest]);
  }

  unset(key: string): W3CTraceState {
    return this.members.some(([name]) => name === key) ? new W3CTraceState(this.members.filter(([name]) => name !== key)) : this;
  }

  /** `key=value` members joined by `,`, in order: what goes out on downstream calls. */
  serialize(): string {
    return this.members.map(([key, value]) => `${key}=${value}`).join(',');
  }

  get size(): number {
    return this.members.length;
  }
}
