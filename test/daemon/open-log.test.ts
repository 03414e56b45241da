import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import { prepareLogFiles, truncateLog } from '../../src/daemon/logs/open-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openlog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The TsmError prepareLogFiles threw, or a failure when it did not throw one. */
async function refusal(files: { out: string | null; err: string | null; combined: string | null }): Promise<TsmError> {
  const error = await prepareLogFiles(files).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TsmError)) throw new Error(`expected a TsmError, got ${String(error)}`);
  return error;
}

describe('prepareLogFiles', () => {
  it('creates the folders and the files, 0600 in 0700 folders, or as the mode asks', async () => {
    const out = join(dir, 'a', 'b', 'out.log');
    await prepareLogFiles({ out, err: join(dir, 'err.log'), combined: null });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'err.log')).mode & 0o777).toBe(0o600);
    await prepareLogFiles({ out: join(dir, 'g', 'out.log'), err: null, combined: null }, 0o640);
    expect(statSync(join(dir, 'g', 'out.log')).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'g')).mode & 0o777).toBe(0o750);
  });

  it('leaves what existing files hold, and their mode', async () => {
    writeFileSync(join(dir, 'out.log'), 'old lines\n', { mode: 0o644 });
    await prepareLogFiles({ out: join(dir, 'out.log'), err: null, combined: null });
    expect(readFileSync(join(dir, 'out.log'), 'utf8')).toBe('old lines\n');
    expect(statSync(join(dir, 'out.log')).mode & 0o777).toBe(0o644);
  });

  it('refuses a symbolic link with E_LOG, naming the path, and leaves the target alone', async () => {
    writeFileSync(join(dir, 'target'), 'precious\n');
    symlinkSync(join(dir, 'target'), join(dir, 'err.log'));
    const error = await refusal({ out: join(dir, 'out.log'), err: join(dir, 'err.log'), combined: null });
    expect(error.code).toBe('E_LOG');
    expect(error.message).toBe(
      `cannot open the error log ${join(dir, 'err.log')}: it is a symbolic link, and tsm does not write logs through links ` +
        '(whoever can change the link could point it at any file). Give the real path, or remove the link.',
    );
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('precious\n');
  });

  it('refuses a dangling symbolic link without creating its target', async () => {
    symlinkSync(join(dir, 'nowhere'), join(dir, 'out.log'));
    expect((await refusal({ out: join(dir, 'out.log'), err: null, combined: null })).message).toMatch(/symbolic link/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('refuses a path below a regular file (ENOTDIR)', async () => {
    writeFileSync(join(dir, 'file'), '');
    const error = await refusal({ out: null, err: null, combined: join(dir, 'file', 'x', 'all.log') });
    expect(error.code).toBe('E_LOG');
    expect(error.message).toMatch(/^cannot open the combined log .*file\/x\/all\.log: a part of its folder is a file/);
    // The file as the folder itself: mkdir -p fails with EEXIST there, not ENOTDIR.
    const direct = await refusal({ out: join(dir, 'file', 'out.log'), err: null, combined: null });
    expect(direct.message).toMatch(/^cannot open the output log .*file\/out\.log: a part of its folder is a file/);
  });

  it('refuses a directory and a FIFO, without waiting for a reader', async () => {
    mkdirSync(join(dir, 'd.log'));
    expect((await refusal({ out: join(dir, 'd.log'), err: null, combined: null })).message).toMatch(/d\.log: it is a directory/);
    execFileSync('mkfifo', [join(dir, 'fifo.log')]);
    expect((await refusal({ out: join(dir, 'fifo.log'), err: null, combined: null })).message).toMatch(/fifo\.log: it is not a regular file/);
  });

  it('names a name too long for the file system', async () => {
    const error = await refusal({ out: join(dir, `${'n'.repeat(300)}-out.log`), err: null, combined: null });
    expect(error.message).toMatch(/the name is too long/);
  });
});

describe('truncateLog', () => {
  it('empties a file in place', async () => {
    writeFileSync(join(dir, 'a.log'), 'lines\n');
    expect(await truncateLog(join(dir, 'a.log'))).toBe(true);
    expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe('');
  });

  it('does not cut through a symbolic link, nor create a missing file', async () => {
    writeFileSync(join(dir, 'target'), 'precious\n');
    symlinkSync(join(dir, 'target'), join(dir, 'a.log'));
    expect(await truncateLog(join(dir, 'a.log'))).toBe(false);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('precious\n');
    expect(await truncateLog(join(dir, 'none.log'))).toBe(false);
    expect(existsSync(join(dir, 'none.log'))).toBe(false);
  });
});
