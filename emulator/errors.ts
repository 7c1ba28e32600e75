/**
 * One small error class per failure, each with a stable `code` (as undici's `UND_ERR_*`), so callers and tests
 * can branch on what failed rather than on message text.
 */
export class KeepaliveLabError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A scenario or profile file that does not say what it must. Names file, line, field and what was expected. */
export class ScenarioError extends KeepaliveLabError {
  constructor(
    readonly file: string,
    readonly issues: readonly { path: string; line?: number; column?: number; message: string }[],
  ) {
    super(
      'KAL_ERR_SCENARIO',
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` +
        issues.map((i) => `  ${file}${i.line ? `:${i.line}${i.column ? `:${i.column}` : ''}` : ''}  ${i.path || '(top level)'}: ${i.message}`).join('\n'),
    );
  }
}

/** Several scenario files failed to load; every file's problems are here, not just the first file's. */
export class ScenarioSuiteError extends KeepaliveLabError {
  constructor(readonly errors: readonly ScenarioError[]) {
    super(
      'KAL_ERR_SCENARIO_SUITE',
      `${errors.length} scenario file${errors.length === 1 ? '' : 's'} failed to load\n` + errors.map((e) => e.message).join('\n'),
    );
  }
}

export class UnknownProfileError extends KeepaliveLabError {
  constructor(kind: 'browser' | 'server' | 'network', name: string, known: readonly string[]) {
    super('KAL_ERR_UNKNOWN_PROFILE', `Unknown ${kind} profile '${name}'. Known ${kind} profiles: ${known.join(', ')}.`);
  }
}

/** The simulation's run loop passed its event limit: a model bug that would otherwise hang the run. */
export class RunawaySimulationError extends KeepaliveLabError {
  constructor(limit: number, at: number) {
    super(
      'KAL_ERR_RUNAWAY',
      `The simulation processed ${limit} events and was still not done at t=${at.toFixed(1)} ms; ` +
        'stopping instead of hanging. This is a bug in a model: please report the scenario that triggered it.',
    );
  }
}

/** The run was asked to stop (Ctrl-C, SIGTERM): what was in flight is dropped, what finished is kept. */
export class InterruptedError extends KeepaliveLabError {
  constructor(readonly signal: string = 'an interrupt') {
    super('KAL_ERR_INTERRUPTED', `Interrupted by ${signal}.`);
  }
}

/** A results or report file that cannot be written: a folder, a full device, a path under a file, no permission. */
export class OutputError extends KeepaliveLabError {
  constructor(
    readonly path: string,
    readonly option: string,
    why: string,
    /** True when the file was writable at the start and a write failed later (a disk filling up): not bad input. */
    readonly midRun = false,
  ) {
    super('KAL_ERR_OUTPUT', `cannot write ${option} ${path}: ${why}`);
  }
}
