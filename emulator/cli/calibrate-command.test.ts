import { describe, expect, it } from 'vitest';
import { calibrateCommand } from './calibrate-command.ts';

describe('calibrate command', () => {
  it('refuses bad input before starting a browser, naming the flag and what it expects', async () => {
    await expect(calibrateCommand(['--runs', '0'])).rejects.toThrow(/--runs: expected a whole number from 1 to 50, got '0'/);
    await expect(calibrateCommand(['--world', 'opera'])).rejects.toThrow(/--world: 'opera' is not a real browser \(chromium, firefox\)/);
    await expect(calibrateCommand(['scenario.yaml'])).rejects.toThrow(/calibrate takes no file/);
  });
});
