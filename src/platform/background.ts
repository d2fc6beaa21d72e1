// Background work (breach marking, auto-close, digests) runs in the same process as the HTTP
// server. On SQLite every statement runs synchronously, and awaiting one resolves as a microtask,
// so a loop of many small transactions never lets a waiting request in: marking 500 breaches held
// every request for ~350 ms at 1M cases. Such loops yield to the event loop between items.

/** Lets queued requests run before the next item of a background batch. */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
