/**
 * Signals are emitted to the process's listeners (process.emit), not sent: the test runner's own process is never
 * signalled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAll, killAllNow, onCleanup, pendingCleanups } from '../cleanup.ts';
import { InterruptedError } from '../errors.ts';
import { catchInterrupts, type Interrupts } from './interrupts.ts';

let interrupts: Interrupts | null = null;
afterEach(() => {
  interrupts?.dispose();
  interrupts = null;
  killAllNow();
});

describe('catchInterrupts', () => {
  it('aborts at the first signal, with an InterruptedError, and leaves the exit to the command', () => {
    const exit = vi.fn();
    const log: string[] = [];
    interrupts = catchInterrupts({ exit, log: (l) => log.push(l) });
    expect(interrupts.signal.aborted).toBe(false);
    process.emit('SIGTERM');
    expect(interrupts.signal.aborted).toBe(true);
    expect(interrupts.signal.reason).toBeInstanceOf(InterruptedError);
    expect(interrupts.received).toBe('SIGTERM');
    expect(interrupts.exitCode).toBe(143);
    expect(exit).not.toHaveBeenCalled();
    expect(log.join('')).toMatch(/SIGTERM: stopping/);
  });

  it('kills what is registered and exits at once on a second signal', () => {
    const exit = vi.fn();
    const kill = vi.fn();
    onCleanup({ what: 'a browser', close: () => new Promise(() => {}), kill });
    interrupts = catchInterrupts({ exit, log: () => {} });
    process.emit('SIGINT');
    expect(kill).not.toHaveBeenCalled();
    process.emit('SIGINT');
    expect(kill).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('kills and exits when the command has not stopped within the grace period', async () => {
    const exit = vi.fn();
    const kill = vi.fn();
    onCleanup({ what: 'a stuck site', close: () => {}, kill });
    interrupts = catchInterrupts({ exit, log: () => {}, graceMs: 20 });
    process.emit('SIGHUP');
    await new Promise((r) => setTimeout(r, 60));
    expect(kill).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(129);
  });

  it('removes its handlers when disposed', () => {
    const before = process.listenerCount('SIGINT');
    interrupts = catchInterrupts({ exit: () => {}, log: () => {} });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    interrupts.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('the cleanup registry', () => {
  it('closes newest first, kills what overruns, and forgets what was unregistered', async () => {
    const order: string[] = [];
    onCleanup({ what: 'site', close: async () => void order.push('site') });
    onCleanup({ what: 'browser', close: async () => void order.push('browser') });
    const stuckKill = vi.fn();
    onCleanup({ what: 'stuck', close: () => new Promise(() => {}), kill: stuckKill });
    const gone = onCleanup({ what: 'closed already', close: () => void order.push('closed already') });
    gone();
    expect(pendingCleanups()).toEqual(['site', 'browser', 'stuck']);
    expect(await closeAll(30)).toEqual(['stuck']);
    expect(stuckKill).toHaveBeenCalledOnce();
    expect(order).toEqual(['browser', 'site']);
    expect(pendingCleanups()).toEqual([]);
  });

  it('kills a resource whose close fails', async () => {
    const kill = vi.fn();
    onCleanup({ what: 'failing', close: async () => Promise.reject(new Error('no')), kill });
    expect(await closeAll()).toEqual(['failing']);
    expect(kill).toHaveBeenCalledOnce();
  });
});
