// Types for the tests that import listeners.js (the bench itself is plain JavaScript).
/** Pids (among `pids`) holding a listening socket of `port`. */
export function holdersOf(port: number, pids: number[]): number[];
