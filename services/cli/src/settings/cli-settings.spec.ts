import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CliError } from '../http/cli.error.js';
import { readConfigFile, resolveSettings, writeConfigFile } from './cli-settings.js';

describe('CLI settings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-cli-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const configPath = join(dir, 'nested', 'config.json');

  it('defaults to the local services', async () => {
    const settings = await resolveSettings({}, { HOOKLINE_CONFIG: join(dir, 'none.json') });
    assert.deepEqual(settings, { relayUrl: 'http://127.0.0.1:8083', auditUrl: 'http://127.0.0.1:8084', token: undefined, org: undefined });
  });

  it('writes the login file with mode 0600 and reads it back', async () => {
    await writeConfigFile(configPath, { apiUrl: 'https://hookline.example.com', token: 'tok-file' });
    assert.equal((await stat(configPath)).mode & 0o777, 0o600);
    assert.deepEqual(await readConfigFile(configPath), { apiUrl: 'https://hookline.example.com', token: 'tok-file' });
    const settings = await resolveSettings({}, { HOOKLINE_CONFIG: configPath });
    assert.deepEqual(settings, { relayUrl: 'https://hookline.example.com', auditUrl: 'https://hookline.example.com', token: 'tok-file', org: undefined });
  });

  it('lets flags win over the environment, and the environment over the file', async () => {
    const env = { HOOKLINE_CONFIG: configPath, HOOKLINE_TOKEN: 'tok-env', HOOKLINE_AUDIT_URL: 'http://audit.internal:8084/', HOOKLINE_ORG: 'org-env' };
    assert.deepEqual(await resolveSettings({}, env), {
      relayUrl: 'https://hookline.example.com',
      auditUrl: 'http://audit.internal:8084',
      token: 'tok-env',
      org: 'org-env',
    });
    assert.deepEqual(await resolveSettings({ token: 'tok-flag', relayUrl: 'http://r:1' }, env), {
      relayUrl: 'http://r:1',
      auditUrl: 'http://audit.internal:8084',
      token: 'tok-flag',
      org: 'org-env',
    });
  });

  it('refuses bad URLs and broken config files with a message naming the problem', async () => {
    await assert.rejects(
      resolveSettings({ relayUrl: 'ftp://x' }, { HOOKLINE_CONFIG: join(dir, 'none.json') }),
      (err: unknown) => err instanceof CliError && /relay URL must be an http or https URL/.test(err.message),
    );
    await assert.rejects(resolveSettings({ auditUrl: 'http://u:p@h' }, { HOOKLINE_CONFIG: join(dir, 'none.json') }), /must not carry credentials/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"token": 5}');
    await assert.rejects(resolveSettings({}, { HOOKLINE_CONFIG: broken }), /config file .*broken\.json is invalid \(token:/);
    await writeFile(broken, 'not json');
    await assert.rejects(resolveSettings({}, { HOOKLINE_CONFIG: broken }), /is not JSON/);
    assert.match(await readFile(configPath, 'utf8'), /tok-file/);
  });
});
