import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GitClient } from './git-client.js';
import { GitCommandError } from './git-command.error.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----';
const KNOWN_HOSTS = 'git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2n1vYp4S0bW6mDWkP5J9QfJXyBSmS7xEj3nY7gGq7C';

void describe('GitClient', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  void it('ssh: key in a 0600 file, host keys checked against the given known_hosts only, no secret on the command line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookline-git-client-'));
    dirs.push(dir);
    const client = await GitClient.create(dir, { sshKey: KEY, sshKnownHosts: KNOWN_HOSTS, sshKeyPassphrase: 'phrase-secret' });
    const command = client.sshCommand ?? '';
    assert.match(command, /-o StrictHostKeyChecking=yes/);
    assert.match(command, /-o GlobalKnownHostsFile=\/dev\/null/);
    const keyFile = /-i '([^']+)'/.exec(command)?.[1];
    const knownHostsFile = /UserKnownHostsFile='([^']+)'/.exec(command)?.[1];
    assert.ok(keyFile !== undefined && knownHostsFile !== undefined, command);
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal(await readFile(keyFile, 'utf8'), `${KEY}\n`);
    assert.equal(await readFile(knownHostsFile, 'utf8'), `${KNOWN_HOSTS}\n`);
    assert.ok(!command.includes('phrase-secret') && !command.includes('not-a-real-key'));
    await client.close();
  });

  void it('redacts passwords and URL user info from git messages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookline-git-client-'));
    dirs.push(dir);
    const client = await GitClient.create(dir, { user: 'u', password: 'tok-123-secret' });
    assert.equal(
      client.redact("fatal: unable to access 'https://u:tok-123-secret@h/r.git/': tok-123-secret"),
      "fatal: unable to access 'https://***@h/r.git/': [redacted]",
    );
    await assert.rejects(client.run(['ls-remote', 'file:///nonexistent/tok-123-secret.git'], { timeoutMs: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof GitCommandError);
      assert.match(error.message, /git ls-remote failed \(exit code \d+\)/);
      assert.ok(!error.message.includes('tok-123-secret'));
      return true;
    });
    await client.close();
  });
});
