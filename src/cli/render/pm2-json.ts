import type { Status } from '../../core/status.js';
import type { ProcessInfo } from '../../protocol/process-info.js';

const PM2_STATUS: Record<Status, string> = {
  launching: 'launching',
  online: 'online',
  stopping: 'stopping',
  stopped: 'stopped',
  errored: 'errored',
  'waiting-restart': 'waiting restart',
};

/**
 * `tsm jlist`: PM2's field names for what scripts written against `pm2 jlist` read, so they
 * keep working. tsm's own shape is `tsm list --json`.
 */
export function toPm2Json(p: ProcessInfo): Record<string, unknown> {
  const s = p.spec;
  return {
    pid: p.pid ?? 0,
    name: p.name,
    pm_id: p.id,
    monit: { cpu: p.cpu ?? 0, memory: p.memory ?? 0 },
    pm2_env: {
      name: p.name,
      status: PM2_STATUS[p.status],
      restart_time: p.restarts,
      unstable_restarts: p.unstableRestarts,
      exec_mode: s.execMode === 'cluster' ? 'cluster_mode' : 'fork_mode',
      instances: s.instances,
      NODE_APP_INSTANCE: p.instance,
      pm_id: p.id,
      pm_uptime: p.startedAt ?? p.createdAt,
      created_at: p.createdAt,
      pm_exec_path: s.script,
      pm_cwd: s.cwd,
      exec_interpreter: s.interpreter,
      node_args: s.nodeArgs,
      args: s.args,
      pm_out_log_path: p.outLog,
      pm_err_log_path: p.errLog,
      autorestart: s.autorestart,
      max_restarts: s.maxRestarts,
      min_uptime: s.minUptime,
      kill_timeout: s.killTimeout,
      exit_code: p.lastExit?.code ?? null,
      max_memory_restart: s.maxMemoryRestart,
      watch: s.watch === false ? false : s.watch,
      cron_restart: s.cronRestart,
      namespace: s.namespace,
      instance_var: s.instanceVar,
      autostart: s.autostart,
      pm_pid_path: p.pidFile,
      restart_cause: p.restartCause?.cause ?? null,
    },
  };
}
