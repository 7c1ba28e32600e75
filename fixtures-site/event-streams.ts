/**
 * The tracker's events as Server-Sent Events (`GET /__keepalive-lab/events`), to a bounded number of observers, each
 * with a bounded backlog: an observer holds its connection for as long as it likes, so without bounds a thousand of
 * them locked the page out of the site, and one that never read grew the server without limit.
 *
 * Streams do not count against the site's page connections (`maxConnections`): the server moves a connection out of
 * that count once it becomes a stream. Each event is serialised once, for every stream.
 */
import type { Socket } from 'node:net';
import type { ConnectionTracker, TrackerEvent } from './tracker.ts';

/**
 * Event streams open at once; one more is answered 503 ('over-capacity'). An observer per tool (the serve command's
 * table, a dashboard, a test) with room to spare, and small next to the 1,024 page connections, so streams can never
 * crowd out the page.
 */
export const MAX_EVENT_STREAMS = 16;
/**
 * Bytes an event stream may have waiting in the server (beyond the kernel's socket buffers, which take up to 4 MiB
 * first: net.ipv4.tcp_wmem) before the observer is dropped as too slow ('slow-reader'): thousands of events behind.
 */
export const MAX_EVENT_STREAM_BACKLOG_BYTES = 1024 * 1024;

export class EventStreams {
  /** Each stream's socket, and what drops it. */
  private readonly streams = new Map<Socket, () => void>();
  private readonly broadcast = (event: TrackerEvent) => this.send(event);

  constructor(private readonly tracker: ConnectionTracker) {}

  get full(): boolean {
    return this.streams.size >= MAX_EVENT_STREAMS;
  }

  /**
   * Streams the tracker's events to `socket` (its response head already written) until the socket closes, or until
   * the reader falls MAX_EVENT_STREAM_BACKLOG_BYTES behind: then `drop` is called (it records why and destroys the
   * socket).
   */
  async serve(socket: Socket, drop: () => void): Promise<void> {
    if (this.streams.size === 0) this.tracker.on('event', this.broadcast);
    this.streams.set(socket, drop);
    try {
      await new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
    } finally {
      this.streams.delete(socket);
      // With no listener the tracker makes no event objects at all.
      if (this.streams.size === 0) this.tracker.off('event', this.broadcast);
    }
  }

  private send(event: TrackerEvent): void {
    const text = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const [socket, drop] of this.streams) {
      if (socket.destroyed) continue;
      if (socket.writableLength <= MAX_EVENT_STREAM_BACKLOG_BYTES) socket.write(text);
      else {
        // Out first: the drop's own close event comes back here.
        this.streams.delete(socket);
        drop();
      }
    }
  }
}
