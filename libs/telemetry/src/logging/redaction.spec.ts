import { createRedactor, REDACTED } from './redaction';

describe('createRedactor', () => {
  const redact = createRedactor(['ssn']);

  it.each([
    ['authorization', { headers: { authorization: 'Bearer abc' } }],
    ['cookie', { headers: { cookie: 'sid=1' } }],
    ['set-cookie', { headers: { 'set-cookie': ['sid=1'] } }],
    ['password', { user: { password: 'hunter2' } }],
    ['token', { token: 't' }],
    ['access_token', { auth: { access_token: 't' } }],
    ['secret', { secret: 's' }],
    ['client_secret', { oauth: { client_secret: 's' } }],
    ['api_key', { api_key: 'k' }],
    ['X-API-Key', { headers: { 'X-API-Key': 'k' } }],
    ['email', { user: { email: 'ada@example.com' } }],
    ['userEmail', { userEmail: 'ada@example.com' }],
    ['a configured key', { person: { ssn: '078-05-1120' } }],
  ])('should redact %s', (_name, input) => {
    const output = JSON.stringify(redact(input));
    expect(output).toContain(REDACTED);
    expect(output).not.toMatch(/abc|sid=1|hunter2|"t"|"s"|"k"|ada@example|078-05/);
  });

  it('should redact at any depth and inside arrays', () => {
    const deep = { a: { b: { c: { d: { e: { f: [{ password: 'x' }, { nested: [{ token: 'y' }] }] } } } } } };
    expect(JSON.stringify(redact(deep))).not.toMatch(/"x"|"y"/);
  });

  it('should keep look-alike keys that are not secrets', () => {
    const usage = { prompt_tokens: 12, completion_tokens: 30, token_type: 'prompt', mailbox_count: 2 };
    expect(redact(usage)).toBe(usage);
  });

  it('should never modify the caller object', () => {
    const input = { user: { password: 'p', name: 'n' } };
    const output = redact(input) as typeof input;
    expect(input.user.password).toBe('p');
    expect(output.user).toEqual({ password: REDACTED, name: 'n' });
  });
});
