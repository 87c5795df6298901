import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGitUrl, redactUrl } from './git-url.js';

void describe('git URLs', () => {
  void it('accepts https, http, ssh, scp-like and file URLs', () => {
    assert.equal(parseGitUrl('https://git.example.com/sec/runbooks.git')?.kind, 'https');
    assert.equal(parseGitUrl('ssh://git@git.example.com:2222/sec/runbooks.git')?.kind, 'ssh');
    assert.equal(parseGitUrl('git@github.com:sec/runbooks.git')?.kind, 'ssh');
    assert.equal(parseGitUrl('file:///srv/git/runbooks.git')?.kind, 'file');
  });

  void it('refuses option-like text, command transports, passwords and whitespace', () => {
    for (const bad of ['-uhttps://x', '--upload-pack=sh', 'ext::sh -c id', 'fd::3', 'https://u:p@host/r.git', 'https://host/r .git', 'file:///', 'ftp://host/r']) {
      assert.equal(parseGitUrl(bad), undefined, bad);
    }
  });

  void it('redacts user info anywhere in a message', () => {
    assert.equal(redactUrl("fatal: could not read from 'https://tok3n@host/r.git/' and http://u:p@h/x"), "fatal: could not read from 'https://***@host/r.git/' and http://***@h/x");
  });
});
