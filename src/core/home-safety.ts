import { TsmError } from './errors.js';

/** What stat() says about a directory tsm keeps files in; read by the caller, judged here. */
export interface DirFacts {
  path: string;
  isDirectory: boolean;
  uid: number;
  /** st_mode: the permission bits and the sticky bit are read. */
  mode: number;
}

/** The mode to set on a directory that is ours (null: leave it), or a refusal. */
export type DirVerdict = { chmodTo: number | null };

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * The home holds the control socket (whoever reaches it runs programs as us), the pid file and
 * the app list, so it must be ours and private: mode 0700. A home we own is made 0700 whatever
 * it was; one owned by another user is refused, since they could swap any file in it.
 * A sticky directory (/tmp) is a shared one: making it 0700 would break every other user of it.
 */
export function judgeHome(facts: DirFacts, ourUid: number): DirVerdict {
  if (!facts.isDirectory) {
    throw new TsmError('E_HOME', `TSM_HOME ${facts.path} is not a directory. Set TSM_HOME to a directory of its own.`);
  }
  if (facts.uid !== ourUid) {
    throw new TsmError(
      'E_HOME',
      `TSM_HOME ${facts.path} is owned by uid ${facts.uid}, and tsm runs as uid ${ourUid}; tsm keeps its socket and ` +
        `logs there, so it must be yours: chown it to uid ${ourUid}, or set TSM_HOME to another directory.`,
    );
  }
  if ((facts.mode & STICKY) !== 0) {
    throw new TsmError(
      'E_HOME',
      `TSM_HOME ${facts.path} is a shared directory (mode ${octal(facts.mode)}, sticky); tsm makes its home private ` +
        `(0700), which would lock the others out: set TSM_HOME to a directory of its own, such as ${facts.path.replace(/\/+$/, '')}/tsm.`,
    );
  }
  return { chmodTo: (facts.mode & 0o7777) === 0o700 ? null : 0o700 };
}

/**
 * logs/ holds the files the daemon appends to: whoever can write it can replace a log file with
 * a link to any file, which the daemon (perhaps root) would then append to or truncate. So it
 * must be ours, and is kept unwritable by group and others (read bits are the user's choice).
 */
export function judgeLogsDir(facts: DirFacts, ourUid: number): DirVerdict {
  if (!facts.isDirectory) {
    throw new TsmError(
      'E_HOME',
      `${facts.path} is not a directory, and tsm keeps its log files there: move it away (tsm creates the folder again).`,
    );
  }
  if (facts.uid !== ourUid) {
    const writable = (facts.mode & GROUP_OR_OTHER_WRITE) !== 0 ? `, writable by others (mode ${octal(facts.mode)})` : '';
    throw new TsmError(
      'E_HOME',
      `${facts.path} is owned by uid ${facts.uid}${writable}, and tsm (uid ${ourUid}) keeps its log files there, so ` +
        `it must be yours: chown it to uid ${ourUid}, or move it away (tsm creates it again).`,
    );
  }
  const safe = facts.mode & 0o7777 & ~GROUP_OR_OTHER_WRITE;
  return { chmodTo: safe === (facts.mode & 0o7777) ? null : safe };
}

/** Log files are private unless the user asks for group-readable ones (a log shipper's group). */
export const DEFAULT_LOG_MODE = 0o600;

/**
 * TSM_LOG_MODE, read when the daemon starts: the mode of the log files it creates (existing
 * files keep theirs). Only 0600 and 0640: other users never read an app's output, and nobody but
 * the owner writes it. With the default home, 0640 also needs a group that can enter the home
 * (0700): it is meant for logs written outside it (`-o /var/log/app/out.log`).
 */
export function parseLogMode(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_LOG_MODE;
  if (/^0?600$/.test(raw)) return 0o600;
  if (/^0?640$/.test(raw)) return 0o640;
  throw new TsmError(
    'E_USAGE',
    `TSM_LOG_MODE=${raw}: expected 0600 (log files readable by their owner only, the default) or 0640 (by their group too).`,
  );
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
