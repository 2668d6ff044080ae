import { AddressPolicy, refusedRange } from './address-policy';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], // cloud metadata
    ['169.254.0.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'], // IPv4-mapped IPv6 is judged as the IPv4 address
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['2002:7f00:1::', '6to4'], // embeds 127.0.0.1
    ['64:ff9b::7f00:1', 'rfc6052'], // NAT64 of 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal(address)).toBe(range);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('lets public unicast %s through', (address) => {
    expect(policy.refusal(address)).toBeNull();
    expect(refusedRange(address)).toBeNull();
  });

  it('lets through exactly the allow-listed CIDRs, IPv4-mapped forms included', () => {
    const local = AddressPolicy.fromList('127.0.0.1/32, ::1 ,10.9.0.0/16');
    expect(local.refusal('127.0.0.1')).toBeNull();
    expect(local.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(local.refusal('::1')).toBeNull();
    expect(local.refusal('10.9.200.1')).toBeNull();
    expect(local.refusal('127.0.0.2')).toBe('loopback');
    expect(local.refusal('10.10.0.1')).toBe('private');
    expect(local.refusal('169.254.169.254')).toBe('linkLocal');
    expect(local.isAllowListed('127.0.0.1')).toBe(true);
    expect(local.isAllowListed('8.8.8.8')).toBe(false);
  });

  it('explains an unusable allow-list', () => {
    expect(AddressPolicy.problemWith('127.0.0.1/32,::1/128')).toBeNull();
    expect(AddressPolicy.problemWith('')).toBeNull();
    expect(AddressPolicy.problemWith('localhost')).toMatch(/"localhost" is not a CIDR/);
    expect(AddressPolicy.problemWith('10.0.0.0/33')).toMatch(/not a CIDR/);
  });
});
