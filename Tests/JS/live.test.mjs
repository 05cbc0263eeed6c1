// The browser's live seat-map logic (public/lib/live.js) under Node's test runner:
// deltas apply only at exactly the next version; a gap or a reconnect re-reads /seats.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const fetches = [];
globalThis.document = { hidden: false, cookie: '' };
globalThis.fetch = async (url, options = {}) => {
  fetches.push(String(url));
  return new Response(JSON.stringify({ version: 10, seats: [], ga: [] }), {
    status: 200, headers: { 'Content-Type': 'application/json', ETag: '"10-0"' },
  });
};
const { LiveSeats } = await import('../../public/lib/live.js');

function makeLive(version) {
  const applied = [], snapshots = [];
  const live = new LiveSeats({
    venueId: 'hall', eventId: 'e_x', version, etag: '"1-0"',
    onSnapshot: (s) => snapshots.push(s), onChange: (m) => applied.push(m), onStatus: () => {},
  });
  return { live, applied, snapshots };
}

test('the next version is applied as a delta without a re-read', async () => {
  fetches.length = 0;
  const { live, applied } = makeLive(4);
  live.message(JSON.stringify({ version: 5, seats: [{ id: 's-A-1', state: 'held' }], ga: [] }));
  assert.equal(applied.length, 1);
  assert.equal(live.version, 5);
  assert.equal(fetches.length, 0);
});

test('a version gap re-reads the seat map', async () => {
  fetches.length = 0;
  const { live, applied, snapshots } = makeLive(4);
  live.message(JSON.stringify({ version: 7, seats: [], ga: [] }));
  await live.inflight;
  assert.equal(applied.length, 0);
  assert.equal(fetches.length, 1);
  assert.match(fetches[0], /\/api\/venues\/hall\/events\/e_x\/seats$/);
  assert.equal(snapshots.length, 1);
  assert.equal(live.version, 10);
});

test('an old or repeated message is ignored', () => {
  fetches.length = 0;
  const { live, applied } = makeLive(4);
  live.message(JSON.stringify({ version: 4, seats: [], ga: [] }));
  live.message(JSON.stringify({ version: 2, seats: [], ga: [] }));
  live.message('not json');
  assert.equal(applied.length, 0);
  assert.equal(fetches.length, 0);
});

test('an open channel that stays silent is checked against the seat map every 30 s', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  class FakeEventSource {
    static OPEN = 1;
    static CLOSED = 2;
    constructor(url) { this.url = url; this.readyState = 0; FakeEventSource.last = this; }
    close() { this.readyState = FakeEventSource.CLOSED; }
  }
  globalThis.EventSource = FakeEventSource;
  t.after(() => { delete globalThis.EventSource; });
  fetches.length = 0;
  const { live, snapshots } = makeLive(4);
  live.start();
  const es = FakeEventSource.last;
  es.readyState = FakeEventSource.OPEN;
  es.onopen();
  await live.inflight;
  assert.equal(fetches.length, 1, 'one catch-up read when the channel opens');
  t.mock.timers.tick(29000);
  assert.equal(fetches.length, 1);
  t.mock.timers.tick(1000);
  await live.inflight;
  assert.equal(fetches.length, 2, 'a silent channel cannot leave the map stale for long');
  assert.equal(snapshots.at(-1).version, 10);
  live.stop();
  t.mock.timers.tick(60000);
  assert.equal(fetches.length, 2, 'nothing after the page is left');
});
