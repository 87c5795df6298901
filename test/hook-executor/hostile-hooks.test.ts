// A corpus of hostile hooks run through the service (real broker, real python3, real
// kernel): each must stay inside its sandbox. Every destructive hook first proves, inside
// itself, that it is sandboxed (a PID namespace of its own, not uid 0) and otherwise does
// nothing but say so — a broken sandbox fails these tests instead of killing the machine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HookExecutionRecord } from '@hookline/contracts';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';
import {
  NO_BROKER_SKIP,
  brokersFromEnv,
  hostProcessesWith,
  isReady,
  metricValue,
  sessionClose,
  sessionOpen,
  uniqueId,
  type RunningExecutor,
  startExecutorAtEnd,
  startHookStage,
  type HookStageWithRunbooks,
} from './executor-harness.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

/** Every secret value starts with this; hooks look for it in all they can read. */
const SECRET_MARK = 'hookline-secret-';
const secret = (what: string): string => `${SECRET_MARK}${what}-${randomBytes(8).toString('hex')}`;
const GIT_PASSWORD = secret('git');
const KAFKA_PASSWORD = secret('kafka');
const OTHER_SETTING = secret('setting');
const KEY_TEXT = secret('ssh-key');

const TIMEOUT_SECONDS = 6;
const CPU_SECONDS = 2;
const MEMORY_MB = 256;
const MAX_PROCESSES = 32;

// session.open's connection_name picks the behaviour; `input` carries paths the attacker is assumed to know.
const HOSTILE_HOOK = String.raw`
import json, os, signal, subprocess, sys, time

payload = json.loads(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])
opened = payload["event_session_open"] or {}
mode = opened.get("connection_name", "close")
known = json.loads(opened.get("input") or "{}")
MARK = "hookline-" + "secret-"  # never whole in this file, which the walk reads too

def contained():
    # A PID namespace of our own (a child of its pid 1, a handful of processes) and not root: else do nothing.
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    return os.getuid() != 0 and os.geteuid() != 0 and os.getppid() == 1 and len(pids) <= 10

if mode not in ("state-set", "state-check", "seed", "peer") and not contained():
    print("NOT CONTAINED: refusing to run %s (pid %d, uid %d)" % (mode, os.getpid(), os.getuid()))
    sys.exit(0)
print("contained")
sys.stdout.flush()

def read(path, limit=1 << 20):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError as error:
        return ("<%s>" % error.__class__.__name__).encode()

if mode == "secrets":
    found = []
    targets = ["/proc/self/environ", "/proc/%d/environ" % os.getppid(), "/proc/1/environ", "/proc/1/cmdline"]
    targets += ["/proc/%s/environ" % p for p in os.listdir("/proc") if p.isdigit()]
    targets += known.get("files", [])
    for path in targets:
        data = read(path)
        if MARK.encode() in data:
            found.append(path)
    for folder in known.get("folders", []):
        try:
            found.append("listed %s: %s" % (folder, os.listdir(folder)))
        except OSError:
            pass
    walked = 0
    for top, dirs, files in os.walk("/"):
        if top.startswith(("/proc", "/sys", "/dev", "/usr")):
            dirs[:] = []
            continue
        for name in files:
            path = os.path.join(top, name)
            if os.path.islink(path):
                continue
            walked += 1
            if MARK.encode() in read(path):
                found.append(path)
    passwd = b"root:" in read("/etc/passwd")
    print(json.dumps({"found": found, "walked": walked, "passwd": passwd, "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()), "self": os.getpid()}))
elif mode == "kill-all":
    me = os.getpid()
    seen = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    print(json.dumps({"pids": seen, "ppid": os.getppid(), "self": me}))
    sys.stdout.flush()
    for pid in seen:
        if pid != me:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass
    try:
        os.kill(-1, signal.SIGKILL)  # everything this process may signal (itself spared)
    except OSError:
        pass
    print("still here")
elif mode in ("daemon", "daemon-hang"):
    marker = "daemon-marker-" + payload["sid"]
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", marker])
        os._exit(0)
    subprocess.Popen(["setsid", "sh", "-c", "exec sleep 600", marker], start_new_session=True)
    time.sleep(0.3)
    print("daemons started")
    sys.stdout.flush()
    if mode == "daemon-hang":
        time.sleep(600)
elif mode == "fork-bomb":
    while True:
        os.fork()
elif mode == "memory":
    hog = []
    while True:
        hog.append(bytearray(16 * 1024 * 1024))
elif mode == "cpu":
    while True:
        pass
elif mode == "limits":
    import resource
    print(json.dumps({name: resource.getrlimit(getattr(resource, "RLIMIT_" + name)) for name in ("AS", "NPROC", "CPU", "FSIZE", "NOFILE", "CORE")}))
elif mode == "flood":
    chunk = b"y" * 65536
    for _ in range(160):
        sys.stdout.buffer.write(chunk)
elif mode == "writes":
    results = {}
    for path in ["/pwned", "/usr/pwned", "/etc/pwned", "/runbooks/pwned", os.path.join(os.getcwd(), "hoop-hooks", "pwned"), os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD_FILE"], "/run/hook/pwned"] + known.get("files", []):
        try:
            with open(path, "a") as handle:
                handle.write("pwned")
            results[path] = "written"
        except OSError as error:
            results[path] = error.__class__.__name__
    home = os.path.join(os.environ["HOME"], "pwned")
    with open(home, "w") as handle:
        handle.write("pwned")
    results["$HOME"] = "written" if os.path.exists(home) else "missing"
    print(json.dumps(results))
elif mode == "state-set":
    import builtins, hashlib
    builtins.hookline_leak = payload["sid"]
    os.environ["HOOKLINE_LEAK"] = payload["sid"]
    sys.modules["hookline_leak"] = sys
    with open(os.path.join(os.environ["TMPDIR"], "leak"), "w") as handle:
        handle.write(payload["sid"])
    os.chdir("/")
    print("set")
elif mode == "state-check":
    import builtins
    leaks = [name for name, present in [
        ("builtins", hasattr(builtins, "hookline_leak")),
        ("environ", "HOOKLINE_LEAK" in os.environ),
        ("modules", "hookline_leak" in sys.modules or "hashlib" in sys.modules),
        ("tmp", os.path.exists(os.path.join(os.environ["TMPDIR"], "leak"))),
        ("cwd", os.getcwd() != "/runbooks"),
    ] if present]
    print(json.dumps({"leaks": leaks, "name": __name__}))
elif mode == "seed":
    # The seed's example: the payload from the variable, forwarded with curl, printed.
    event = json.loads(os.getenv("HOOP_RUNBOOK_HOOK_PAYLOAD"))
    done = subprocess.run(["curl", "-sS", "-X", "POST", "-H", "content-type: application/json", "--data-binary", json.dumps(event), known["siem"]], capture_output=True, text=True)
    print("forwarded", event["sid"], done.returncode, done.stdout, done.stderr)
elif mode == "peer":
    time.sleep(1.5)
    print("peer done")
elif mode == "leave":
    # Leaves all it can in its sandbox for the next run of the same slot.
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    token = "L3FT0VER" + ":" + os.urandom(16).hex()
    left = {}
    for path in ("/tmp/left", "/dev/shm/left", "/run/hook/left", "/run/left", "/dev/left"):
        try:
            with open(path, "w") as handle:
                handle.write(token)
            left[path] = "written"
        except OSError as error:
            left[path] = error.__class__.__name__
    os.setxattr("/tmp", "user.left", token.encode())
    os.chmod("/tmp", 0o700)
    key = 0x4C454654
    left["ipc"] = [libc.shmget(key, 4096, 0o1666), libc.msgget(key, 0o1666), libc.semget(key, 1, 0o1666)]
    libc.mq_open.restype = ctypes.c_int
    left["mq"] = libc.mq_open(b"/left", os.O_CREAT | os.O_RDWR, 0o600, None)
    left["key"] = libc.syscall(248, b"user", b"hookline-left", token.encode(), len(token), -4)  # add_key to the user keyring
    left["sessionKey"] = libc.syscall(248, b"user", b"hookline-left-s", token.encode(), len(token), -3)  # and to the session keyring
    subprocess.Popen(["setsid", "sh", "-c", "exec sleep 600", "left-" + payload["sid"]], start_new_session=True)
    time.sleep(0.2)
    for _ in range(100):
        print(token)  # through the slot's pid 1, which the next run is forked from
    print(json.dumps(left))
elif mode == "inherit":
    import ctypes, re
    libc = ctypes.CDLL(None, use_errno=True)
    found = {
        "files": [path for path in ("/tmp/left", "/dev/shm/left", "/run/hook/left", "/run/left", "/dev/left", "/dev/mqueue/left") if os.path.exists(path)],
        "xattrs": os.listxattr("/tmp"),
        "tmpMode": oct(os.stat("/tmp").st_mode & 0o7777),
        "ipc": [line for kind in ("shm", "msg", "sem") for line in open("/proc/sysvipc/" + kind).read().split("\n")[1:] if line.strip()],
        "key": libc.syscall(250, 10, -4, b"user", b"hookline-left", 0) > 0,  # keyctl(KEYCTL_SEARCH) in the user keyring
        "sessionKey": libc.syscall(250, 10, -3, b"user", b"hookline-left-s", 0) > 0,
        "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()) == [1, os.getpid()],
    }
    pattern = re.compile(rb"L3FT0VER:[0-9a-f]{32}")
    hits = 0
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("rw"):
                continue
            start, end = (int(part, 16) for part in fields[0].split("-"))
            try:
                mem.seek(start)
                hits += len(pattern.findall(mem.read(end - start)))
            except (OSError, ValueError, OverflowError):
                pass
    found["memory"] = hits
    print(json.dumps(found))
`;

interface Found {
  found: string[];
  walked: number;
  passwd: boolean;
  pids: number[];
  self: number;
}

void describe('hostile hooks are contained', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: HookStageWithRunbooks;
  let server: GitHttpServer;
  let executor: RunningExecutor;
  let stateDir: string | undefined;
  let keyFile: string;
  let runbooksDir: string;
  const received: string[] = [];
  let siem: { url: string; close: () => Promise<void> };

  before(async () => {
    stage = await startHookStage({ files: { 'hoop-hooks/session-open.runbook.py': HOSTILE_HOOK }, message: 'hostile hooks' });
    server = await startGitHttpServer(stage.fixture.root, { user: 'runbooks', password: GIT_PASSWORD });
    const dir = mkdtempSync(join(tmpdir(), 'hookline-hostile-'));
    stateDir = dir;
    keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_TEXT}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });
    runbooksDir = join(dir, 'runbooks');
    mkdirSync(runbooksDir, { mode: 0o700 });
    const http = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        response.end('received');
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    siem = { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/siem`, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
    executor = await startExecutorAtEnd(stage.admin, 'hostile', {
      env: {
        RUNBOOKS_GIT_URL: `${server.url}/runbooks.git`,
        GIT_USER: 'runbooks',
        GIT_PASSWORD,
        GIT_HOOK_CONFIG_TTL: '300',
        RUNBOOKS_GIT_ALLOW_INSECURE: 'true', // the test's git server on 127.0.0.1
        RUNBOOKS_DIR: runbooksDir,
        // A Kafka password in the executor's environment (KAFKA_SASL_PASSWORD itself would need a SASL broker).
        HOOKLINE_KAFKA_PASSWORD: KAFKA_PASSWORD,
        HOOKLINE_UNRELATED_SECRET: OTHER_SETTING,
        HOOK_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
        HOOK_CPU_SECONDS: String(CPU_SECONDS),
        HOOK_MEMORY_MB: String(MEMORY_MB),
        HOOK_MAX_PROCESSES: String(MAX_PROCESSES),
        HOOK_CONCURRENCY: '8',
      },
    });
  });

  after(async () => {
    await closeAll(executor, stage, server, siem);
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
  });

  async function run(modes: readonly { mode: string; known?: unknown }[], timeoutMs = 60_000): Promise<HookExecutionRecord[]> {
    const ids = await stage.sender.send(
      modes.map(({ mode, known }) => sessionOpen(uniqueId('sid'), { connection_name: mode, input: JSON.stringify(known ?? {}), input_size: 1 })),
    );
    return stage.reader.waitFor(ids, timeoutMs);
  }

  function assertContained(record: HookExecutionRecord): void {
    assert.ok(!record.stdout.text.includes('NOT CONTAINED'), `the hook found itself unsandboxed: ${record.stdout.text}`);
    assert.match(
      record.stdout.text,
      /^contained\n/,
      `the hook proved it is contained first: ${record.stdout.text.slice(0, 300)} ${record.stderr.text.slice(0, 300)}`,
    );
  }

  function assertNoSecret(record: HookExecutionRecord): void {
    const text = JSON.stringify(record);
    for (const value of [GIT_PASSWORD, KAFKA_PASSWORD, OTHER_SETTING, KEY_TEXT])
      assert.ok(!text.includes(value), `a secret reached the record: ${value.slice(0, 24)}…`);
    assert.ok(!text.includes(SECRET_MARK), 'nothing carrying the secret mark reached the record');
  }

  void it("reads every environ, the key file, the state folder, the service's code: finds no secret", async () => {
    const code = join(process.cwd(), 'services', 'hook-executor', 'dist', 'main.js');
    const known = {
      files: [keyFile, code, '/etc/shadow', join(process.cwd(), 'package.json')],
      folders: [stateDir, runbooksDir, join(runbooksDir, 'snapshots'), process.cwd(), '/root', '/work'],
    };
    const [record] = await run([{ mode: 'secrets', known }]);
    assertContained(record!);
    assert.equal(record!.outcome, 'success', record!.stderr.text);
    const seen = JSON.parse(record!.stdout.text.split('\n')[1]!) as Found;
    assert.deepEqual(seen.found, [], 'no secret, key or folder of the executor was readable');
    assert.ok(seen.walked > 5 && seen.passwd, `the hook walked the file system it sees (${seen.walked} files) and could read what it may`);
    assert.deepEqual(seen.pids, [1, seen.self], 'the hook sees only its own run: its pid 1 and itself');
    assertNoSecret(record!);
  });

  void it('signals every pid it sees, its parent and -1: the executor and another session run on', async () => {
    const [killer, peer] = await run([{ mode: 'kill-all' }, { mode: 'peer' }]);
    assertContained(killer!);
    const seen = JSON.parse(killer!.stdout.text.split('\n')[1]!) as { pids: number[]; ppid: number; self: number };
    assert.deepEqual(seen.pids, [1, seen.self]);
    assert.equal(peer!.outcome, 'success', 'the other session’s hook finished');
    assert.match(peer!.stdout.text, /peer done/);
    assert.equal(executor.child.exitCode, null, 'the executor is alive');
    assert.equal(await isReady(executor.url), true);
    const [after] = await run([{ mode: 'peer' }]);
    assert.equal(after!.outcome, 'success', 'hooks still run afterwards');
  });

  void it('setsid and double-fork daemons are gone when the run ends, and at the time limit', async () => {
    const [ended, hung] = await run([{ mode: 'daemon' }, { mode: 'daemon-hang' }]);
    for (const record of [ended!, hung!]) {
      assertContained(record);
      assert.match(record.stdout.text, /daemons started/);
      const marker = `daemon-marker-${record.sid}`;
      assert.equal(await pollUntil(() => hostProcessesWith(marker).length === 0, { timeoutMs: 3_000, what: `no process of ${marker} left` }), true);
    }
    assert.equal(ended!.outcome, 'success');
    assert.equal(hung!.outcome, 'timeout');
    assert.equal(hung!.timed_out, true);
  });

  void it('every limit is set on the hook as configured', async () => {
    const [record] = await run([{ mode: 'limits' }]);
    assertContained(record!);
    const mb = 1024 * 1024;
    assert.deepEqual(JSON.parse(record!.stdout.text.split('\n')[1]!), {
      AS: [MEMORY_MB * mb, MEMORY_MB * mb],
      NPROC: [MAX_PROCESSES, MAX_PROCESSES],
      CPU: [CPU_SECONDS, CPU_SECONDS + 1],
      FSIZE: [16 * mb, 16 * mb],
      NOFILE: [256, 256],
      CORE: [0, 0],
    });
  });

  void it('fork bomb, memory hog and CPU spin stop at their limits, each with its outcome and reason, while another session runs', async () => {
    const before = await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-open', outcome: 'process_limit' });
    const [bomb, hog, spin, peer] = await run([{ mode: 'fork-bomb' }, { mode: 'memory' }, { mode: 'cpu' }, { mode: 'peer' }]);
    assertContained(bomb!);
    assert.equal(bomb!.outcome, 'process_limit', `${bomb!.outcome} ${bomb!.error} ${bomb!.stderr.text.slice(-300)}`);
    assert.match(bomb!.error!, new RegExp(`HOOK_MAX_PROCESSES=${MAX_PROCESSES}`));
    assertContained(hog!);
    assert.equal(hog!.outcome, 'memory_limit', `${hog!.outcome} ${hog!.stderr.text.slice(-300)}`);
    assert.match(hog!.error!, new RegExp(`HOOK_MEMORY_MB=${MEMORY_MB}`));
    assert.match(hog!.stderr.text, /MemoryError/);
    assertContained(spin!);
    // Which of the CPU limit or the wall-clock limit comes first depends on the machine's load.
    assert.equal(spin!.outcome, 'timeout');
    if (spin!.timed_out) assert.equal(spin!.signal, 'SIGKILL');
    else assert.match(spin!.error ?? '', new RegExp(`HOOK_CPU_SECONDS=${CPU_SECONDS}`));
    assert.equal(peer!.outcome, 'success');
    assert.match(peer!.stdout.text, /peer done/);
    assert.equal(await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-open', outcome: 'process_limit' }), before + 1);
  });

  void it('10 MB of output is capped and counted', async () => {
    const [record] = await run([{ mode: 'flood' }]);
    assertContained(record!);
    assert.equal(record!.outcome, 'success');
    assert.equal(record!.stdout.bytes, Buffer.byteLength('contained\n') + 160 * 65536);
    assert.equal(record!.stdout.truncated, true);
    assert.equal(Buffer.byteLength(record!.stdout.text), 65536);
  });

  void it('writes to /, /usr, /etc, the snapshot, the payload and the key file fail; $HOME is private to the run', async () => {
    const [record] = await run([{ mode: 'writes', known: { files: [keyFile, join(runbooksDir, 'pwned')] } }]);
    assertContained(record!);
    const results = JSON.parse(record!.stdout.text.split('\n')[1]!) as Record<string, string>;
    for (const [path, result] of Object.entries(results)) {
      if (path === '$HOME') assert.equal(result, 'written');
      else assert.notEqual(result, 'written', `${path} was writable`);
    }
    assert.equal(readFileSync(keyFile, 'utf8').includes('pwned'), false);
    assert.deepEqual(filesNamed(runbooksDir, 'pwned'), [], 'nothing written in the executor state');
  });

  void it("the seed's example forwards the payload with curl to a local receiver", async () => {
    const [record] = await run([{ mode: 'seed', known: { siem: siem.url } }]);
    assert.equal(record!.outcome, 'success', record!.stderr.text);
    assert.match(record!.stdout.text, /forwarded \S+ 0 received/);
    const forwarded = received.map((body) => JSON.parse(body) as { sid: string }).find((body) => body.sid === record!.sid);
    assert.ok(forwarded !== undefined, 'the receiver got the payload');
  });

  void it('module state, environment, TMPDIR files and cwd of one run are not visible in the next', async () => {
    const sid = uniqueId('sid');
    const [set] = await stage.sender
      .send([sessionOpen(sid, { connection_name: 'state-set', input: '{}', input_size: 2 })])
      .then((ids) => stage.reader.waitFor(ids));
    assert.match(set!.stdout.text, /set/);
    const checks = await run(Array.from({ length: 4 }, () => ({ mode: 'state-check' })));
    for (const check of checks) {
      assert.equal(check.outcome, 'success', check.stderr.text);
      assert.deepEqual(JSON.parse(check.stdout.text.split('\n')[1]!), { leaks: [], name: '__main__' });
    }
    // A run that ends another session's hook is gone; the close hook of a session without one is skipped.
    const [closed] = await stage.sender.send([sessionClose(sid)]).then((ids) => stage.reader.waitFor(ids));
    assert.equal(closed!.outcome, 'skipped');
  });
});

void describe('a slot reused by the next run keeps nothing of the last', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  // HOOK_CONCURRENCY=1: one slot, so the second run is forked from the same slot's pid 1.
  let stage: HookStageWithRunbooks;
  let executor: RunningExecutor;

  before(async () => {
    stage = await startHookStage({ files: { 'hoop-hooks/session-open.runbook.py': HOSTILE_HOOK }, message: 'hostile hooks' });
    executor = await startExecutorAtEnd(stage.admin, 'slot-reuse', {
      env: { RUNBOOKS_GIT_URL: stage.fixture.fileUrl, GIT_HOOK_CONFIG_TTL: '300', HOOK_CONCURRENCY: '1', HOOK_TIMEOUT_SECONDS: '20' },
    });
  });

  after(() => closeAll(executor, stage));

  void it('files in /tmp and /dev/shm, /tmp xattrs and mode, System V IPC, POSIX queues, keys, daemons, output in pid 1 memory', async () => {
    const [leave] = await stage.sender
      .send([sessionOpen(uniqueId('sid'), { connection_name: 'leave', input: '{}', input_size: 2 })])
      .then((ids) => stage.reader.waitFor(ids, 60_000));
    assert.ok(leave!.stdout.text.startsWith('contained\n'), `${leave!.stdout.text.slice(0, 300)} ${leave!.stderr.text.slice(-300)}`);
    assert.equal(leave!.outcome, 'success', leave!.stderr.text);
    const left = JSON.parse(leave!.stdout.text.trim().split('\n').at(-1)!) as Record<string, unknown>;
    // What the run could leave, it did (else the check below proves nothing).
    assert.equal(left['/tmp/left'], 'written');
    assert.equal(left['/dev/shm/left'], 'written');
    assert.ok(
      (left.ipc as number[]).every((id) => id >= 0),
      `System V objects made: ${JSON.stringify(left.ipc)}`,
    );
    assert.ok((left.mq as number) >= 0, 'a POSIX message queue made');
    assert.ok((left.key as number) > 0, 'a key added to the user keyring');
    assert.ok((left.sessionKey as number) > 0, 'a key added to the session keyring');
    assert.notEqual(left['/run/hook/left'], 'written', "the run's folder is read-only");
    assert.notEqual(left['/run/left'], 'written', '/run is read-only');
    assert.notEqual(left['/dev/left'], 'written', '/dev is read-only');
    assert.equal(await pollUntil(() => hostProcessesWith(`left-${leave!.sid}`).length === 0, { timeoutMs: 3_000, what: 'no daemon of the run left' }), true);
    const [inherit] = await stage.sender
      .send([sessionOpen(uniqueId('sid'), { connection_name: 'inherit', input: '{}', input_size: 2 })])
      .then((ids) => stage.reader.waitFor(ids, 60_000));
    assert.equal(inherit!.outcome, 'success', inherit!.stderr.text);
    assert.deepEqual(JSON.parse(inherit!.stdout.text.trim().split('\n').at(-1)!), {
      files: [],
      xattrs: [],
      tmpMode: '0o1777',
      ipc: [],
      key: false,
      sessionKey: false,
      pids: true,
      memory: 0,
    });
  });
});

function filesNamed(root: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.name === name) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}
