/** What a redacted value is replaced with. @publicApi */
export const REDACTED = '[REDACTED]';

/** What an object nested deeper than redaction looks is replaced with (it may hold a secret). @publicApi */
export const TRUNCATED = '[Truncated]';

// Compared without case, `-` or `_`: "Set-Cookie", "set_cookie" and "setCookie" are one key.
const SENSITIVE_KEYS = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'xapikey',
  'email',
  'mail',
  'emailaddress',
];
// `access_token`, `client_secret`, `user_email`… but not `prompt_tokens` or `token_type`.
const SENSITIVE_SUFFIXES = ['password', 'secret', 'token', 'apikey', 'email'];
const MAX_DEPTH = 12;
// What pino writes for a reference back to an enclosing object.
const CIRCULAR = '[Circular]';

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Whether a key (a field name, a header name) holds a secret or personal value:
 * credentials, cookies, tokens, API keys, e-mail fields, and the extra keys given.
 * @internal
 */
export function sensitiveKeyMatcher(extraKeys: readonly string[] = []): (key: string) => boolean {
  const exact = new Set([...SENSITIVE_KEYS, ...extraKeys.map(normalize)]);
  return (key) => {
    const normalized = normalize(key);
    return exact.has(normalized) || SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
  };
}

/**
 * Replaces the values of secret and personal keys at any depth with `[REDACTED]`:
 * credentials, cookies, tokens, API keys, e-mail fields, and the extra keys given.
 * Objects nested deeper than 12 levels are written as `[Truncated]`, a reference back to
 * an enclosing object as `[Circular]`. Returns the same object when there is nothing to redact, a copy otherwise: the
 * caller's objects are never modified.
 * @internal
 */
export function createRedactor(extraKeys: readonly string[] = []): (value: unknown) => unknown {
  const isSensitive = sensitiveKeyMatcher(extraKeys);

  const ancestors: object[] = [];
  const redact = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (ancestors.includes(value)) return CIRCULAR;
    // Fail closed: what redaction did not look into is not written.
    if (depth > MAX_DEPTH) return TRUNCATED;
    if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
    ancestors.push(value);
    try {
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        value.forEach((item, index) => {
          const redacted = redact(item, depth + 1);
          if (redacted !== item) (copy ??= [...value])[index] = redacted;
        });
        return copy ?? value;
      }
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(value)) {
        const redacted = isSensitive(key) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1);
        if (redacted !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = redacted;
      }
      return copy ?? value;
    } finally {
      ancestors.pop();
    }
  };
  return (value) => redact(value, 0);
}
