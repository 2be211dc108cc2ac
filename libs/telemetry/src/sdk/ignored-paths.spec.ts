import { createPathMatcher, createQuerylessPathMatcher } from './ignored-paths';

describe('createPathMatcher', () => {
  const isIgnored = createPathMatcher(['/health', '/internal/*', /^\/metrics(\/|$)/]);

  it.each(['/health', '/health/', '/health?probe=1', '/internal/cache', '/metrics', '/metrics/extra'])('should ignore %s', (url) => {
    expect(isIgnored(url)).toBe(true);
  });

  it.each(['/healthz', '/healtz', '/api/health', '/internals', '/metricsx', '/', undefined])('should trace %s', (url) => {
    expect(isIgnored(url)).toBe(false);
  });

  it('should ignore nothing for an empty list', () => {
    expect(createPathMatcher([])('/health')).toBe(false);
  });
});

describe('createQuerylessPathMatcher', () => {
  const isIgnoredPath = createQuerylessPathMatcher(['/health', '/internal/*', /^\/metrics(\/|$)/]);

  it('should match paths as createPathMatcher matches URLs without a query string', () => {
    const isIgnored = createPathMatcher(['/health', '/internal/*', /^\/metrics(\/|$)/]);
    for (const path of ['/health', '/health/', '/internal/cache', '/metrics', '/metrics/extra', '/healthz', '/api/health', '/internals', '/']) {
      expect(isIgnoredPath(path)).toBe(isIgnored(path));
    }
    expect(isIgnoredPath('/health/')).toBe(true);
    expect(isIgnoredPath('/healthz')).toBe(false);
  });

  it('should take its argument as the whole path: a query string is for the caller to cut', () => {
    expect(isIgnoredPath('/health?probe=1')).toBe(false);
    expect(createQuerylessPathMatcher([])('/health')).toBe(false);
  });
});
