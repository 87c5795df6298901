import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitUrlProblem, parseGitUrl, redactUrl } from './git-url.js';

void describe('git URLs', () => {
  void it('accepts https, ssh, scp-like and file URLs, and http only when allowed', () => {
    assert.equal(parseGitUrl('https://git.example.com/sec/runbooks.git')?.kind, 'https');
    assert.equal(parseGitUrl('http://git.example.com/sec/runbooks.git'), undefined);
    assert.equal(parseGitUrl('http://git.example.com/sec/runbooks.git', { allowInsecure: true })?.kind, 'http');
    assert.equal(parseGitUrl('ssh://git@git.example.com:2222/sec/runbooks.git')?.kind, 'ssh');
    assert.equal(parseGitUrl('git@github.com:sec/runbooks.git')?.kind, 'ssh');
    assert.equal(parseGitUrl('file:///srv/git/runbooks.git')?.kind, 'file');
  });

  void it('refuses option-like text, command transports, passwords and whitespace', () => {
    for (const bad of [
      '-uhttps://x',
      '--upload-pack=sh',
      'ext::sh -c id',
      'fd::3',
      'https://u:p@host/r.git',
      'https://host/r .git',
      'file:///',
      'ftp://host/r',
    ]) {
      assert.equal(parseGitUrl(bad, { allowInsecure: true }), undefined, bad);
    }
  });

  void it("refuses any user info in http(s) and file URLs: a token as the user part would land in git's argv", () => {
    for (const bad of [
      'https://glpat-token@host/r.git',
      'https://x-access-token:t@host/r.git',
      'http://token@127.0.0.1/r.git',
      'https://%74oken@host/r.git',
      'file://user@/srv/r.git',
      'file://host/srv/r.git',
    ]) {
      assert.equal(parseGitUrl(bad, { allowInsecure: true }), undefined, bad);
      assert.ok(gitUrlProblem(bad, { allowInsecure: true }) !== undefined, bad);
    }
    // An ssh login is an account name (ssh authenticates with the key), not a credential.
    assert.equal(parseGitUrl('ssh://git@host/r.git')?.kind, 'ssh');
  });

  void it('refuses hosts and logins starting with "-" (ssh and git would read an option)', () => {
    for (const bad of [
      'ssh://-oProxyCommand=id/r.git',
      'ssh://-oProxyCommand=id@host/r.git',
      'git@-oProxyCommand=id:r.git',
      'git@-evil.example:r.git',
      '-evil.example:r.git',
      '-oProxyCommand=id@host:r.git',
      'https://-host/r.git',
      'ssh://%2DoProxyCommand=id@host/r.git',
    ]) {
      assert.equal(parseGitUrl(bad, { allowInsecure: true }), undefined, bad);
    }
  });

  void it('redacts query strings and fragments anywhere in a message', () => {
    assert.equal(redactUrl('https://git.example.com/r.git?private_token=glpat-xyz'), 'https://git.example.com/r.git?***');
    assert.equal(redactUrl('https://git.example.com/r.git#tok'), 'https://git.example.com/r.git#***');
    assert.equal(
      redactUrl("fatal: unable to access 'https://host/r.git/?private_token=glpat-xyz&b=c': 403 and http://u@h?x=1 done"),
      "fatal: unable to access 'https://host/r.git/?***': 403 and http://***@h?*** done",
    );
    assert.equal(redactUrl('https://git.example.com/sec/runbooks.git'), 'https://git.example.com/sec/runbooks.git');
  });

  void it('redacts user info anywhere in a message', () => {
    assert.equal(
      redactUrl("fatal: could not read from 'https://tok3n@host/r.git/' and http://u:p@h/x"),
      "fatal: could not read from 'https://***@host/r.git/' and http://***@h/x",
    );
  });
});
