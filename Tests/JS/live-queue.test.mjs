// The waiting room's live logic (public/lib/live-queue.js) under Node's test runner:
// channel messages need no request; polling, when SSE fails, is slow.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const fetches = [];
globalThis.document = { hidden: false, cookie: '' };
globalThis.fetch = async (url) => {
  fetches.push(String(url));
  return new Response(JSON.stringify({ queue: { nowServing: 3, length: 9, state: 'open' }, challenge: { value: 'c', difficulty: 1 } }), {
    status: 200, headers: { 'Content-Type': 'application/json' },
  });
};
const { LiveQueue } = await import('../../public/lib/live-queue.js');

class FakeEventSource {
  static OPEN = 1;
  static CLOSED = 2;
  constructor(url) { this.url = url; this.readyState = 0; FakeEventSource.last = this; }
  close() { this.readyState = FakeEventSource.CLOSED; }
}

function makeQueue() {
  const changes = [], snapshots = [], statuses = [];
  const live = new LiveQueue({
    venueId: 'hall', eventId: 'e_x',
    onSnapshot: (s) => snapshots.push(s), onChange: (m) => changes.push(m), onStatus: (s) => statuses.push(s),
  });
  return { live, changes, snapshots, statuses };
}

test('messages of the channel reach the page without a request', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  globalThis.EventSource = FakeEventSource;
  t.after(() => { delete globalThis.EventSource; });
  fetches.length = 0;
  const { live, changes, statuses } = makeQueue();
  live.start();
  const es = FakeEventSource.last;
  assert.match(es.url, /^\/live\/venues\/hall\/events\/e_x\/queue$/);
  es.readyState = FakeEventSource.OPEN;
  es.onopen();
  es.onmessage({ data: JSON.stringify({ nowServing: 5, length: 9, state: 'open' }) });
  es.onmessage({ data: 'not json' });
  es.onmessage({ data: JSON.stringify({ version: 3 }) });
  assert.deepEqual(changes, [{ nowServing: 5, length: 9, state: 'open' }]);
  assert.equal(fetches.length, 0);
  assert.equal(statuses.at(-1), 'live');
  t.mock.timers.tick(60000);
  assert.equal(fetches.length, 1, 'a silent channel is checked once a minute');
  live.stop();
});

test('without SSE the page polls the queue every 5 seconds', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  fetches.length = 0;
  const { live, snapshots, statuses } = makeQueue();
  live.start();
  assert.equal(statuses.at(-1), 'polling');
  t.mock.timers.tick(4999);
  assert.equal(fetches.length, 0);
  t.mock.timers.tick(1);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fetches.length, 1);
  assert.match(fetches[0], /\/api\/venues\/hall\/events\/e_x\/queue$/);
  assert.equal(snapshots[0].queue.nowServing, 3);
  live.stop();
  t.mock.timers.tick(60000);
  assert.equal(fetches.length, 1, 'nothing after the page is left');
});
