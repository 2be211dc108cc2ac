import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A secret a request must present, compared in constant time: both sides are hashed to
 * equal-length digests first, so neither the token nor its length shows in how long a
 * wrong guess takes.
 * @internal
 */
export class BearerToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Whether `Authorization: Bearer <token>` carries it. */
  authorizes(authorization: string | string[] | undefined): boolean {
    const given = /^Bearer (.+)$/i.exec(Array.isArray(authorization) ? authorization.join(', ') : (authorization ?? ''))?.[1];
    return this.matches(given ?? '') && given !== undefined;
  }

  /** Whether a raw value (a `?token=` parameter) is it. */
  matches(value: string): boolean {
    return timingSafeEqual(digest(value), this.expected);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
