// A PostgreSQL server of a test's own (initdb in a temp folder, a free port on 127.0.0.1),
// so a test can stop and start it without touching the machine's shared PostgreSQL.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hookline/kafka-broker';

/** Where initdb and pg_ctl are, or undefined when PostgreSQL's server binaries are not installed. */
export function postgresBinDir(): string | undefined {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [
    ...(fromPgConfig.status === 0 ? [fromPgConfig.stdout.trim()] : []),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : []),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
    /** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
    private readonly asUser: string | undefined,
  ) {}

  /** initdb + start; throws when the binaries are missing (check postgresBinDir() first). */
  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (bin === undefined) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found');
    const root = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
    const dataDir = join(root, 'data');
    const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
    if (asUser !== undefined) {
      const uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim());
      chownSync(root, uid, gid);
    }
    const server = new PrivatePostgres(bin, dataDir, await freePort(), asUser);
    server.run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    server.startServer();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  startServer(): void {
    const options = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
    this.run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '30', 'start']);
  }

  /** Fast shutdown: open connections are cut, as when PostgreSQL restarts under a service. */
  stopServer(): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  destroy(): void {
    spawnSync(this.command('pg_ctl')[0], [...this.command('pg_ctl').slice(1), '-D', this.dataDir, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }

  private command(tool: string): [string, ...string[]] {
    const path = join(this.bin, tool);
    return this.asUser === undefined ? [path] : ['runuser', '-u', this.asUser, '--', path];
  }

  private run(tool: string, args: readonly string[]): void {
    const [command, ...prefix] = this.command(tool);
    const result = spawnSync(command, [...prefix, ...args], { encoding: 'utf8', cwd: tmpdir() });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}
