import { maskIp } from './mask-ip';

describe('maskIp', () => {
  it.each([
    ['192.168.1.23', '192.168.1.xxx'],
    ['::ffff:10.0.0.7', '::ffff:10.0.0.xxx'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:xxxx'],
    ['not-an-ip', 'xxx'],
  ])('should mask %s as %s', (ip, masked) => {
    expect(maskIp(ip)).toBe(masked);
  });
});
