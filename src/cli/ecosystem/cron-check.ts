/**
 * The cron library on the CLI's side: croner, chosen because it reads 5- and 6-field expressions
 * (seconds first) and nicknames, computes the next run (what the daemon's scheduler needs, so
 * both sides accept the same expressions), and has no dependencies. Loaded only when a file or
 * a flag has a cron expression.
 */
export function cronProblem(expression: string): string | null {
  const { Cron } = require('croner') as typeof import('croner');
  try {
    // paused: no timer is armed; the object is only a parse.
    const job = new Cron(expression, { paused: true });
    const next = job.nextRun();
    job.stop();
    return next === null ? 'it never runs' : null;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}
