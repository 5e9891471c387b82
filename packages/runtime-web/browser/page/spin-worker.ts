// Answers through shared memory instead of messages, to time a round trip in which the worker
// never goes back to its event loop: `mode` 'spin' polls without sleeping, 'wait' sleeps in
// Atomics.wait until the page's Atomics.notify. Cell 0 is the page's request number, cell 1 the
// worker's answer; a negative request ends the loop.
self.onmessage = (e: MessageEvent<{ cells: SharedArrayBuffer; mode: 'spin' | 'wait' }>) => {
  const cells = new Int32Array(e.data.cells);
  let seen = 0;
  for (;;) {
    if (e.data.mode === 'wait') Atomics.wait(cells, 0, seen, 1000);
    const req = Atomics.load(cells, 0);
    if (req < 0) break;
    if (req !== seen) {
      seen = req;
      Atomics.store(cells, 1, req);
    }
  }
  (self as unknown as { postMessage(m: unknown): void }).postMessage('stopped');
};
