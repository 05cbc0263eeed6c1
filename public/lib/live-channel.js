// One nchan SSE channel with a polling fallback, shared by the seat map and the waiting
// room. When SSE cannot connect (the live endpoint not deployed, a 404 or HTML answer) it
// polls and keeps retrying SSE with a growing delay. An open channel is not trusted
// blindly: when nothing reaches nchan (its publisher socket unreachable) subscribers stay
// connected and hear nothing, so while live the owner is also asked to re-read now and then.

const OPEN_TIMEOUT_MS = 4000;

export class LiveChannel {
  /**
   * url of the channel; the subclass's poll() (a promise) re-reads, every pollMs while SSE
   * is down (hiddenPollMs in a background tab) and every checkMs while it is up; its
   * message(text) takes each message and opened() hears each (re)connection;
   * onStatus('live' | 'polling' | 'connecting').
   */
  constructor({ url, pollMs, hiddenPollMs, checkMs, onStatus = () => {} }) {
    Object.assign(this, { url, pollMs, hiddenPollMs, checkMs, onStatus });
    this.failures = 0;
    this.stopped = false;
    this.polling = false;
  }

  start() {
    this.onStatus('connecting');
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.stopPolling();
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    clearInterval(this.checkTimer);
    if (this.es) this.es.close();
    this.es = null;
  }

  connect() {
    if (this.stopped || typeof EventSource === 'undefined') {
      this.startPolling();
      return;
    }
    const es = new EventSource(this.url);
    this.es = es;
    // A channel that neither opens nor fails (a proxy holding it) must not freeze the page.
    this.openTimer = setTimeout(() => { if (es.readyState !== EventSource.OPEN) this.startPolling(); }, OPEN_TIMEOUT_MS);
    es.onopen = () => {
      clearTimeout(this.openTimer);
      this.failures = 0;
      this.stopPolling();
      this.onStatus('live');
      this.opened();
      clearInterval(this.checkTimer);
      this.checkTimer = setInterval(() => { if (!document.hidden) this.poll(); }, this.checkMs);
    };
    es.onmessage = (e) => this.message(e.data);
    es.onerror = () => {
      clearInterval(this.checkTimer);
      this.startPolling();
      if (es.readyState === EventSource.CLOSED) {
        // Fatal (404, not text/event-stream): the browser will not retry; we will, later.
        clearTimeout(this.openTimer);
        es.close();
        if (this.es === es) this.es = null;
        this.failures += 1;
        const delay = Math.min(60000, 5000 * 2 ** Math.min(this.failures - 1, 4));
        this.retryTimer = setTimeout(() => this.connect(), delay);
      }
      // Otherwise the browser reconnects by itself and onOpen catches up.
    };
  }

  /** Called when the channel (re)connects. */
  opened() {}

  startPolling() {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.onStatus('polling');
    const tick = async () => {
      if (!this.polling) return;
      await this.poll();
      if (this.polling) this.pollTimer = setTimeout(tick, document.hidden ? this.hiddenPollMs : this.pollMs);
    };
    this.pollTimer = setTimeout(tick, this.pollMs);
  }

  stopPolling() {
    this.polling = false;
    clearTimeout(this.pollTimer);
  }
}
