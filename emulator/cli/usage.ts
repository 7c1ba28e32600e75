/**
 * What each command's `--help` (and `keepalive-lab help <command>`) prints, apart from the commands' code: asking for
 * help loads this file and nothing of the command, so it answers as fast as `--version`. Each command imports its
 * own text from here for its usage errors.
 */
import { MIN_TIME_SCALE } from '../live/time-scale.ts';
import { NETWORK_PROFILES } from '../profiles/network-profile.ts';
import { SERVER_PROFILES } from '../profiles/server-profile.ts';
import { RTT_JITTER_BOUND_MS } from '../sim/count-spread.ts';

export const RUN_USAGE = `keepalive-lab run <scenario files or folders>… [options]

  --browsers a,b     run these browser profiles instead of each scenario's list
  --network a,b      run over these network profiles instead of each scenario's (keepalive-lab profiles lists them)
  --world sim        worlds to run in, comma-separated (sim, live, chromium, firefox); with several, their differences are
                     printed, a count the simulation itself moves within ±${RTT_JITTER_BOUND_MS} ms of round trip listed apart as a tie
  --time-scale X     live world: wall ms per scenario ms, from ${MIN_TIME_SCALE} to 1 (default: a shaped round trip takes
                     25 ms of wall time; 0.05 on loopback). Results are in scenario time either way.
  --json FILE        write every result as JSON (schema: docs/RESULTS.md), each as soon as its run is done
  --resume           with --json: keep the results already in FILE and run only the ones missing from it
  --html FILE        write a report with connection waterfalls (one self-contained file)
  --quiet            print no table
  --jobs N           threads for the simulated population runs, 1 to 64 (default: one per core for a sweep of
                     20 000 users or more when --world is sim alone, else 1); results are those of a serial run

  Regression testing (docs/REGRESSION.md):
  --runs N           run each live or real-browser combination N times (1 to 100; the simulation, being
                     deterministic, runs once): a verdict on real times needs samples, never one
  --save-baseline F  write this run's figures as a baseline file
  --baseline F       compare with a saved baseline and exit 1 on a regression: counts exactly, simulated
                     times exactly, live and real times by Mann-Whitney U over the runs (5 each side at least)
  --tolerance T      for --baseline: '5%' (times), or 'time=5%,count=0,alpha=0.05,min-runs=5'
  --junit FILE       write JUnit XML: a test case per scenario × browser × world × network
  --har DIR          write every page load as a HAR 1.2 file (opens in Chrome DevTools' Network panel)
  In GitHub Actions (GITHUB_ACTIONS=true), each failing finding is also printed as an ::error annotation on its
  scenario file.

  Exit status: 0 done; 1 a run reported errors or loaded no page at all, or the baseline's verdict failed; 2 bad
  input (a file, a flag, an output path); 130 or 143 stopped by Ctrl-C or SIGTERM, with every run that finished saved (--resume carries on).`;

export const COMPARE_USAGE = `keepalive-lab compare <scenario file> [options]

  --browsers a,b      profiles to compare (default: the scenario's list)
  --world sim,live    emulated worlds to set beside the real browser (default: sim,live where available);
                      --worlds, its old spelling, is still read
  --network a,b       compare over these network profiles instead of the scenario's
  --tolerance T       exit 1 when real and emulated disagree beyond T: '15%' (load times and requests per
                      connection; connections per host exact) or 'load=15%,rpc=25%,connections=0'. A bare
                      number is a percentage too: '15' is 15 %, '0.5' is 0.5 %; connections is a count.
  --runs N            load each live and real-browser run N times and compare their medians (default 1, or 5
                      with --tolerance; a gate needs 3 at least: one sample of a real browser is not a verdict)
  --json FILE         write every result as JSON (schema: docs/RESULTS.md)
  --html FILE         write the report: every run's connection waterfall, emulated and real, on one page

  With --tolerance, exit 1 also when no profile had a real browser to compare with: a gate that checked nothing
  does not pass.`;

export const PROFILES_USAGE = `keepalive-lab profiles [name] [options]

  (no name)          every browser, server and network profile, one line each
  name               one profile: each knob with its value and its source
  --json             the same as JSON`;

export const SERVE_USAGE = `keepalive-lab serve [options]

  --server <profile>     ${SERVER_PROFILES.map((p) => p.name).join(', ')} (default apache-2.2)
  --network <profile>    ${NETWORK_PROFILES.map((p) => p.name).join(', ')} (default loopback: no shaper)
  --rtt <ms> --down <kbit/s> --up <kbit/s>
                         explicit network numbers instead of (or over) a profile
  --slow-start           emulate TCP slow start in the shaper
  --site <scenario.yaml> serve the scenario's site (its 'site:' block) and faults (default: the Microscape page)
  --port <n>             port to listen on, 0–65535 (default 8080; 0 for any free port)
  --bind <address>       interface (default 127.0.0.1)
  --time-scale <x>       multiply every server timeout, from 0.001 to 1000 (default 1)
  --no-table             print connection events as lines instead of a live table
  -h, --help`;

export const CALIBRATE_USAGE = `keepalive-lab calibrate [options]

  --world chromium,firefox   the real browsers to measure (default: both)
  --runs N                   loads of each calibration page (default 5)
  --json FILE                write the measurements as JSON`;

export const REPORT_USAGE = `keepalive-lab report <results.json>… --html FILE

  Builds the HTML report (connection waterfalls, the comparison tables, what made each file) from results files
  written by run --json or compare --json, running nothing.
  --html FILE        the report to write (one self-contained file)

  Exit status: 0 written; 2 bad input (a results file that cannot be read, of an unknown version, a bad path).`;

export const VALIDATE_USAGE = `keepalive-lab validate <scenario file or folder>…

  Loads every scenario with the same checks as run, and runs nothing. Prints each problem with its
  file:line:column, or 'ok' and what the file holds. Exit status: 0 all valid; 2 any problem.`;

export const IMPORT_USAGE = `keepalive-lab import <file.har> [options]

  Turns a page recorded as HAR 1.2 (Chrome DevTools' "Save all as HAR", Firefox, WebPageTest, Playwright's
  recordHar) into a scenario: the HTML and every image, stylesheet and script requested before the load event, each
  with its host (under .localhost), size, order and server time. What was dropped is listed at the top of the file.

  --out FILE     where to write the scenario (default: the HAR's name with .yaml, in this folder)
  --page ID      which page of the HAR: its id or its position from 1 (default the first)
  --force        overwrite FILE if it exists

  Then: keepalive-lab run FILE (the emulated worlds), or keepalive-lab compare FILE (beside real Chromium).`;

export const INIT_USAGE = `keepalive-lab init [file]

  Writes a commented example scenario to file (default scenario.yaml), with the schema line that gives editors
  completion. An existing file is left alone (exit 2). Then: keepalive-lab validate file; keepalive-lab run file.`;
