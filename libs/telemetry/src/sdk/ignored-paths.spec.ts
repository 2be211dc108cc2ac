import { createPathMatcher } from './ignored-paths';

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
