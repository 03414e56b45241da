/**
 * The tsm release this code belongs to; a test keeps it equal to package.json. CLI and daemon
 * compare it on connect: a daemon left running across an upgrade is refused, with the fix.
 */
export const TSM_VERSION = '0.1.0';
