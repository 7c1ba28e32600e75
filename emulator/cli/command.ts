/** What main hands every command besides its arguments. */
export interface CommandContext {
  /** Aborted at the first Ctrl-C or SIGTERM (interrupts.ts): stop, keep what finished, close what was started. */
  signal?: AbortSignal;
}
