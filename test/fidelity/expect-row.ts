/** What the battery asserts of every row, whichever browser played it: the criteria of docs/FIDELITY.md in one place. */
import { expect } from '@playwright/test';
import { RPC_TOLERANCE, type BatteryRow } from './run-battery.ts';

export function expectRowToMatch(row: BatteryRow): void {
  expect(row.errors).toEqual([]);
  expect(row.connectionsPerHost.real).toEqual(row.connectionsPerHost.sim);
  expect(Math.abs(row.rpcError)).toBeLessThanOrEqual(RPC_TOLERANCE);
}
