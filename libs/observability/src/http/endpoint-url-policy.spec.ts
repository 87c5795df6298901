import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointUrlPolicy, EndpointUrlRefused, forbiddenAddressReason, maskEndpointUrl, parseAllowEntry } from './endpoint-url-policy.js';

// A resolver that knows a few names, so no test depends on the network.
const NAMES: Record<string, readonly string[]> = {
  'siem.example.com': ['93.184.215.14'],
  'rebind.example.com': ['93.184.215.14', '10.0.0.7'],
  'internal.example.com': ['fd12::1'],
  'v6.example.com': ['2606:4700::1111'],
};
const resolve = (host: string): Promise<readonly string[]> => {
  const found = NAMES[host];
  return found === undefined ? Promise.reject(new Error(`ENOTFOUND ${host}`)) : Promise.resolve(found);
};

async function refusal(policy: EndpointUrlPolicy, url: string): Promise<string> {
  try {
    await policy.check(url);
  } catch (error) {
    assert.ok(error instanceof EndpointUrlRefused, `${url}: ${String(error)}`);
    return error.message;
  }
  assert.fail(`${url} was accepted`);
}

void describe('EndpointUrlPolicy', () => {
  const policy = new EndpointUrlPolicy([], resolve);

  void it('accepts public http(s) receivers, by name and by address', async () => {
    for (const url of ['https://siem.example.com/collector?x=1', 'http://93.184.215.14:8080/', 'https://[2606:4700::1111]/hook', 'https://v6.example.com/'])
      await policy.check(url);
  });

  void it('refuses loopback in every spelling: decimal, octal, hex, short, IPv6, mapped, compatible, NAT64', async () => {
    const hostile = [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[0:0:0:0:0:ffff:127.0.0.1]/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b::127.0.0.1]/',
      'http://[2002:7f00:1::]/',
    ];
    for (const url of hostile) assert.match(await refusal(policy, url), /loopback/, url);
  });

  void it('refuses private, link-local, CGNAT, unspecified, multicast and metadata addresses', async () => {
    const cases: [string, RegExp][] = [
      ['http://10.1.2.3/', /private/],
      ['http://172.16.0.1/', /private/],
      ['http://192.168.1.1/', /private/],
      ['http://100.64.0.1/', /carrier-grade NAT/],
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://[fd00:ec2::254]/', /unique local/],
      ['http://[fe80::1]/', /link-local/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://0/', /unspecified/],
      ['http://[::]/', /unspecified/],
      ['http://224.0.0.1/', /multicast/],
      ['http://[ff02::1]/', /multicast/],
      ['http://255.255.255.255/', /reserved/],
      ['http://[::ffff:169.254.169.254]/', /link-local/],
      ['http://[::ffff:10.0.0.1]/', /private/],
      ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
      ['http://METADATA.GOOGLE.INTERNAL./', /cloud metadata/],
    ];
    for (const [url, reason] of cases) assert.match(await refusal(policy, url), reason, url);
  });

  void it('resolves names and refuses one with any private address (real DNS: localhost)', async () => {
    assert.match(await refusal(new EndpointUrlPolicy(), 'http://localhost:8080/x'), /loopback.*"localhost" resolves to it/);
    assert.match(await refusal(policy, 'https://rebind.example.com/'), /10\.0\.0\.7 is private/);
    assert.match(await refusal(policy, 'https://internal.example.com/'), /unique local/);
    assert.match(await refusal(policy, 'https://nowhere.example.com/'), /does not resolve/);
  });

  void it('refuses user info and schemes other than http(s), without echoing the password', async () => {
    for (const url of ['https://user:hunter2-secret@siem.example.com/', 'https://token@siem.example.com/', 'https://:hunter2-secret@siem.example.com/']) {
      const message = await refusal(policy, url);
      assert.match(message, /user info/);
      assert.ok(!message.includes('hunter2'), message);
    }
    for (const url of [
      'ftp://siem.example.com/',
      'file:///etc/passwd',
      'gopher://siem.example.com:70/',
      'javascript:alert(1)',
      'data:text/plain,x',
      'ws://siem.example.com/',
    ]) {
      assert.match(await refusal(policy, url), /must be http or https/, url);
    }
    assert.match(await refusal(policy, 'not a url'), /not an absolute URL/);
  });

  void it('admits what ENDPOINT_URL_ALLOW lists: CIDR blocks, addresses, host names', async () => {
    const allowing = new EndpointUrlPolicy(['127.0.0.1', '10.0.0.0/8', 'fd12::/16', 'receiver.internal', 'metadata.google.internal'], resolve);
    await allowing.check('http://127.0.0.1:8099/svix/org');
    await allowing.check('http://2130706433/');
    await allowing.check('https://rebind.example.com/');
    await allowing.check('https://internal.example.com/');
    await allowing.check('http://receiver.internal/collector');
    await allowing.check('http://metadata.google.internal/');
    assert.match(await refusal(allowing, 'http://127.0.0.2/'), /loopback/);
    assert.match(await refusal(allowing, 'http://192.168.0.1/'), /private/);
    // An allowed address does not excuse user info.
    assert.match(await refusal(allowing, 'http://u:p@127.0.0.1/'), /user info/);
  });

  void it('refuses a malformed allow-list entry', () => {
    for (const entry of ['10.0.0.0/33', '10.0.0.0/x', '::1/129', 'not a host', '-x.example.com', 'a/b']) {
      assert.equal(parseAllowEntry(entry), undefined, entry);
      assert.throws(() => new EndpointUrlPolicy([entry]), TypeError, entry);
    }
  });

  void it('judges bare addresses', () => {
    assert.equal(forbiddenAddressReason('93.184.215.14'), undefined);
    assert.equal(forbiddenAddressReason('2606:4700::1111'), undefined);
    assert.equal(forbiddenAddressReason('64:ff9b::5db8:d70e'), undefined, 'NAT64 of a public address');
    assert.match(forbiddenAddressReason('64:ff9b::a00:1') ?? '', /private, embedded in an IPv6 address/);
    assert.match(forbiddenAddressReason('fe80::1%eth0') ?? '', /link-local/);
  });
});

void describe('maskEndpointUrl', () => {
  void it('keeps scheme, host and port, hides path, query and fragment', () => {
    assert.equal(maskEndpointUrl('https://outlook.office.com/webhookb2/abc@def/IncomingWebhook/secret/xyz'), 'https://outlook.office.com/***');
    assert.equal(maskEndpointUrl('https://hooks.slack.com/services/T0/B0/secret?x=1'), 'https://hooks.slack.com/***');
    assert.equal(maskEndpointUrl('http://siem.example.com:8443/?token=abc'), 'http://siem.example.com:8443/***');
    assert.equal(maskEndpointUrl('http://siem.example.com:8443/'), 'http://siem.example.com:8443/');
    assert.equal(maskEndpointUrl('not a url'), '***');
  });
});
