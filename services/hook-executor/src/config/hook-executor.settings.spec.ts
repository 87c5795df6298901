import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@hookline/observability';
import { tmpdir } from 'node:os';
import { hookExecutorSettings, loadHookExecutorConfig, runbooksDir } from './hook-executor.settings.js';

const BASE = { KAFKA_BROKERS: 'k:9092' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadHookExecutorConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a ConfigError');
}

void describe('hook-executor settings', () => {
  void it('has the documented defaults; hooks are off without GIT_HOOK_CONFIG_TTL', () => {
    const { config, hookEnv } = loadHookExecutorConfig(BASE);
    assert.equal(config.PORT, 8082);
    assert.equal(config.KAFKA_GROUP_ID, 'hookline-hook-executor');
    assert.equal(config.HOOK_INTERPRETER, 'python3');
    assert.equal(config.HOOK_TIMEOUT_SECONDS, 30);
    assert.equal(config.HOOK_MAX_OUTPUT_BYTES, 65536);
    assert.equal(config.HOOK_CONCURRENCY, 8);
    assert.equal(config.GIT_HOOK_CONFIG_TTL, undefined);
    assert.deepEqual(hookEnv, {});
  });

  void it('passes HOOK_ENV_<NAME> as <NAME> and nothing else of the environment', () => {
    const { hookEnv } = loadHookExecutorConfig({ ...BASE, HOOK_ENV_SIEM_URL: 'http://siem', HOOK_ENV_SIEM_TOKEN: 't0k', OTHER: 'x' });
    assert.deepEqual(hookEnv, { SIEM_URL: 'http://siem', SIEM_TOKEN: 't0k' });
  });

  void it('refuses HOOK_ENV_ names the executor sets itself, without showing values', () => {
    const error = configError({ ...BASE, HOOK_ENV_PATH: '/evil', HOOK_ENV_HOOP_RUNBOOK_HOOK_PAYLOAD: 'secret-value', 'HOOK_ENV_BAD-NAME': 'x' });
    assert.deepEqual(error.issues.map((issue) => issue.setting).sort(), ['HOOK_ENV_BAD-NAME', 'HOOK_ENV_HOOP_RUNBOOK_HOOK_PAYLOAD', 'HOOK_ENV_PATH']);
    assert.ok(!error.message.includes('secret-value') && !error.message.includes('/evil'));
  });

  void it('needs a repository when hooks are on, and known hosts + key for ssh', () => {
    assert.deepEqual(
      configError({ ...BASE, GIT_HOOK_CONFIG_TTL: '60' }).issues.map((i) => i.setting),
      ['RUNBOOKS_GIT_URL'],
    );
    const ssh = configError({ ...BASE, GIT_HOOK_CONFIG_TTL: '60', RUNBOOKS_GIT_URL: 'git@github.com:org/runbooks.git' });
    assert.deepEqual(ssh.issues.map((i) => i.setting).sort(), ['GIT_SSH_KEY', 'GIT_SSH_KNOWN_HOSTS']);
  });

  void it('refuses a password in the URL, option-like and command-running URLs, without echoing a secret as such', () => {
    for (const url of ['https://user:hunter2@git.example.com/r.git', '--upload-pack=touch /tmp/x', 'ext::sh -c touch% /tmp/pwned', 'ftp://x/y']) {
      const error = configError({ ...BASE, GIT_HOOK_CONFIG_TTL: '60', RUNBOOKS_GIT_URL: url });
      assert.equal(error.issues[0]?.setting, 'RUNBOOKS_GIT_URL', url);
      assert.ok(!error.message.includes('hunter2'), 'a password in the URL is never echoed');
    }
    const { config } = loadHookExecutorConfig({
      ...BASE,
      GIT_HOOK_CONFIG_TTL: '0.5',
      RUNBOOKS_GIT_URL: 'https://git.example.com/r.git',
      GIT_USER: 'u',
      GIT_PASSWORD: 'p',
    });
    assert.equal(config.GIT_HOOK_CONFIG_TTL, 0.5);
  });

  void it('refuses user info (a token as the user), plain http unless allowed, and a host starting with "-", naming why and never the token', () => {
    const cases: [string, RegExp][] = [
      ['https://glpat-s3cr3tT0ken@git.example.com/r.git', /RUNBOOKS_GIT_URL: carries user info.*GIT_USER.*GIT_PASSWORD/],
      ['https://oauth2:glpat-s3cr3tT0ken@git.example.com/r.git', /RUNBOOKS_GIT_URL: carries a password/],
      ['http://git.example.com/r.git', /RUNBOOKS_GIT_URL: plain http .*RUNBOOKS_GIT_ALLOW_INSECURE=true/],
      ['ssh://-oProxyCommand=touch%20%2Ftmp%2Fx/r.git', /RUNBOOKS_GIT_URL: (the host starts with "-"|not a valid URL)/],
      ['-oProxyCommand=x:r.git', /RUNBOOKS_GIT_URL: starts with "-"/],
      ['git@-oProxyCommand=x:r.git', /RUNBOOKS_GIT_URL: (the host starts with "-"|not a URL git can use)/],
    ];
    for (const [url, why] of cases) {
      const error = configError({ ...BASE, GIT_HOOK_CONFIG_TTL: '60', RUNBOOKS_GIT_URL: url });
      assert.match(error.message, why, url);
      assert.ok(!error.message.includes('s3cr3t'), 'the token is never echoed');
    }
    const insecure = loadHookExecutorConfig({
      ...BASE,
      GIT_HOOK_CONFIG_TTL: '60',
      RUNBOOKS_GIT_URL: 'http://127.0.0.1:9/r.git',
      RUNBOOKS_GIT_ALLOW_INSECURE: 'true',
    });
    assert.equal(insecure.config.RUNBOOKS_GIT_ALLOW_INSECURE, true);
    assert.equal(loadHookExecutorConfig(BASE).config.RUNBOOKS_GIT_ALLOW_INSECURE, false);
    // Allowing http does not let user info through.
    assert.match(configError({ ...BASE, RUNBOOKS_GIT_URL: 'http://tok@127.0.0.1:9/r.git', RUNBOOKS_GIT_ALLOW_INSECURE: 'true' }).message, /carries user info/);
  });

  void it("RUNBOOKS_DIR defaults under the service's own state directory, never the shared temp folder", () => {
    assert.equal(runbooksDir({ RUNBOOKS_DIR: undefined }, { STATE_DIRECTORY: '/var/lib/hook-executor' }), '/var/lib/hook-executor/runbooks');
    assert.equal(runbooksDir({ RUNBOOKS_DIR: undefined }, { XDG_STATE_HOME: '/home/svc/.state' }), '/home/svc/.state/hookline/hook-executor/runbooks');
    assert.ok(!runbooksDir({ RUNBOOKS_DIR: undefined }, {}).startsWith(tmpdir()));
    assert.equal(runbooksDir({ RUNBOOKS_DIR: '/srv/rb' }, { XDG_STATE_HOME: '/x' }), '/srv/rb');
  });

  void it('refuses an output cap out of range and a secret value in its message', () => {
    assert.equal(configError({ ...BASE, HOOK_MAX_OUTPUT_BYTES: '10000000' }).issues[0]?.setting, 'HOOK_MAX_OUTPUT_BYTES');
    assert.match(
      configError({ ...BASE, GIT_PASSWORD: 'p4ss', RUNBOOKS_GIT_URL: 'file:///srv/runbooks' }).message,
      /GIT_PASSWORD: only used with an https repository/,
    );
  });

  void it('is documented, every setting of it, in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const row of describeSettings(hookExecutorSettings)) {
      assert.match(example, new RegExp(`^#? ?${row.name}=`, 'm'), `${row.name} is missing from .env.example`);
    }
  });
});
