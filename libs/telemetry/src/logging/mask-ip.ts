/**
 * Masks the host part of a client IP: `192.168.1.23` → `192.168.1.xxx`,
 * `2001:db8:85a3::8a2e:370:7334` → `2001:db8:85a3:xxxx`, and the IPv4 inside an
 * IPv4-mapped IPv6 address (`::ffff:10.0.0.7` → `::ffff:10.0.0.xxx`).
 * @internal
 */
export function maskIp(ip: string): string {
  const ipv4 = /^(.*?)(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/.exec(ip);
  if (ipv4) return `${ipv4[1]}${ipv4[2]}.xxx`;
  if (ip.includes(':')) return `${ip.split(':').filter(Boolean).slice(0, 3).join(':')}:xxxx`;
  return 'xxx';
}
