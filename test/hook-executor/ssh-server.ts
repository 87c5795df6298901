// A real OpenSSH server on 127.0.0.1 serving git over ssh for the tests: its own host key,
// one authorised client key, key authentication only. Needs sshd (Debian's openssh-server,
// which .ci/run installs) and running as a user that may log in as itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hookline/kafka-broker';
import { pollUntil } from '@hookline/kafka/testing';

export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((path) => existsSync(path));

function keyPair(dir: string, name: string): { privateKey: string; publicKey: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

export class SshGitServer {
  private constructor(
    private readonly dir: string,
    private readonly child: ChildProcess,
    readonly port: number,
    /** The client key sshd accepts (OpenSSH private key text, as GIT_SSH_KEY takes it). */
    readonly clientKey: string,
    /** A known_hosts line with this server's real host key. */
    readonly knownHosts: string,
    /** A known_hosts line naming this server with some other key: what a man in the middle would present. */
    readonly wrongKnownHosts: string,
    private readonly output: () => string,
  ) {}

  static async start(): Promise<SshGitServer> {
    if (SSHD === undefined) throw new Error('sshd is not installed (Debian: openssh-server)');
    const dir = mkdtempSync(join(tmpdir(), 'hookline-sshd-'));
    const host = keyPair(dir, 'host_key');
    const other = keyPair(dir, 'other_host_key');
    const client = keyPair(dir, 'client_key');
    writeFileSync(join(dir, 'authorized_keys'), `${client.publicKey}\n`, { mode: 0o600 });
    const port = await freePort();
    // sshd's privilege separation needs this directory to exist.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        `AllowUsers ${userInfo().username}`,
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const hostKey = host.publicKey.split(' ').slice(0, 2).join(' ');
    const otherKey = other.publicKey.split(' ').slice(0, 2).join(' ');
    const server = new SshGitServer(dir, child, port, client.privateKey, `[127.0.0.1]:${port} ${hostKey}`, `[127.0.0.1]:${port} ${otherKey}`, () => text);
    try {
      await pollUntil(
        () =>
          new Promise<boolean>((resolve) => {
            if (child.exitCode !== null) throw new Error(`sshd exited: ${text}`);
            const socket = createConnection({ host: '127.0.0.1', port }, () => {
              socket.destroy();
              resolve(true);
            });
            socket.on('error', () => resolve(false));
          }),
        { timeoutMs: 10_000, what: 'sshd to listen' },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** ssh:// URL of a repository path on this machine, as the current user. */
  url(repositoryPath: string): string {
    return `ssh://${userInfo().username}@127.0.0.1:${this.port}${repositoryPath}`;
  }

  log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
