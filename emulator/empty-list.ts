/**
 * Empties a list that is refilled at once, keeping its storage. V8 gives an array's backing store back on
 * `length = 0` (and `splice` returns a new array), so a hot list emptied that way allocates again on its next push:
 * the simulation's per-request lists (a connection's writes, the engine's outbox, a TCP round) did, once a request.
 */
export function emptyList(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
