/**
 * The test kit: the helpers tests share, one concept a file. Test code only: tests (*.test.ts, *.spec.ts) and their
 * helpers under test/ import it; no production module (emulator/, fixtures-site/, bin/, scripts/) does. To check:
 *   grep -rlE "testing/|testing\.ts" emulator fixtures-site bin scripts | grep -vE '\.(test|spec)\.ts$|^emulator/testing/'
 * prints nothing. package.json's `files` leaves the folder out of the package, and test/package/package-files.test.ts
 * fails if a packed module imports one that is not packed.
 *
 * Helpers for one area's tests only stay beside them under test/ (the fixture site's RawClient, the fidelity
 * battery, the browsers' stand-in site).
 */
export { KEEP_ALIVE_11, harness } from './engine-harness.ts';
export { runFirefox, type FirefoxRunOptions, type FirefoxRunResult } from './firefox-run.ts';
export { harValidator } from './har-validator.ts';
export { httpResponse } from './http-response.ts';
export { ManualClock } from './manual-clock.ts';
export { RecordingListener, type TransportEvent } from './recording-listener.ts';
export { startScriptedServer, type ScriptedServer, type SeenConnection } from './scripted-server.ts';
export { ScriptedTransport } from './scripted-transport.ts';
export { behindProxy, slowFirstImage, testCrowd, testNetwork, testScenario } from './test-scenario.ts';
export { noEarlierThanTimer, TIMER_EARLY_MS } from './timer-slack.ts';
export { until } from './until.ts';
