/**
 * One client connection's lifecycle, changed only through the named transitions below:
 *
 *   connecting ──connected──► idle ◄──finish──► busy
 *        │                     │                  │
 *        └────────── close ────┴───── close ──────┴──► closed
 *
 * `retiring` marks a busy connection the server has said it will close: it finishes what is in flight and takes
 * nothing new.
 */
import type { CloseReason, ConnectionRecord, Side } from '../result/types.ts';
import type { TimerId } from '../time.ts';
import type { PendingRequest } from './pending-request.ts';
import type { ConnectionId } from './transport.ts';
import type { HostPool } from './host-pool.ts';

export type ConnectionState = 'connecting' | 'idle' | 'busy' | 'closed';

export class Connection {
  state: ConnectionState = 'connecting';
  /** Requests written and not yet answered, oldest first (responses come back in this order). */
  readonly inFlight: PendingRequest[] = [];
  /** Requests assigned in the current decision, written to the transport together as one write. */
  readonly toWrite: PendingRequest[] = [];
  /** Responses received in full. */
  completed = 0;
  /** When it last finished a response (or connected): orders idle connections for reuse and eviction. */
  lastUsedAt: number;
  /**
   * The idle timer is armed lazily: reusing a connection does not cancel it; when it fires early it re-arms for what
   * is left. Saves a cancel and a new timer per request on a busy connection.
   */
  idleTimer: TimerId | null = null;
  /** When the armed timer fires. */
  idleTimerAt = Infinity;
  /** When the connection, idle since its last response, closes; Infinity while busy or with no idle timeout. */
  idleDeadline = Infinity;
  /** Made once per connection, so re-arming the timer allocates nothing. */
  onIdleTimer: (() => void) | null = null;
  /** The server has said it closes after the responses in flight; nothing new may be written. */
  retiring = false;
  /** What the server's last response said, for pipelining and idle-timeout decisions. */
  serverPersistent11 = false;
  serverKeepAliveTimeoutMs: number | null = null;
  serverKeepAliveMax: number | null = null;
  readonly record: ConnectionRecord;

  constructor(
    readonly id: ConnectionId,
    readonly pool: HostPool,
    openedAt: number,
  ) {
    this.lastUsedAt = openedAt;
    this.record = {
      id,
      host: pool.key,
      openedAt,
      connectedAt: null,
      closedAt: null,
      closedBy: null,
      closeReason: null,
      requests: [],
      idle: [],
    };
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  markConnected(at: number): void {
    this.record.connectedAt = at;
    this.lastUsedAt = at;
    this.state = 'busy'; // until `becomeIdle`: a fresh connection is taken by a waiting request first
  }

  /** Nothing in flight: wait for the next request. */
  becomeIdle(at: number): void {
    this.state = 'idle';
    this.record.idle.push({ from: at, to: at });
    this.idleOpen = true;
  }

  /** Leaves idle to carry a request. */
  wake(at: number): void {
    this.endIdle(at);
    this.state = 'busy';
  }

  close(at: number, by: Side, reason: CloseReason): void {
    this.endIdle(at);
    this.state = 'closed';
    this.record.closedAt = at;
    this.record.closedBy = by;
    this.record.closeReason = reason;
  }

  private idleOpen = false;

  private endIdle(at: number): void {
    if (!this.idleOpen) return;
    this.idleOpen = false;
    const last = this.record.idle[this.record.idle.length - 1];
    if (last) last.to = at;
  }
}
