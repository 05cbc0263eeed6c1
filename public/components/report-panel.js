// An event's sales report for its organizer: per-section figures, refunds, check-ins, the
// sales of each hour as an inline SVG bar chart (with a table for screen readers), and the
// attendee list as a CSV download.

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { formatMoney } from '../lib/format.js';
import { errorBox, stat } from './ui.js';

const CHART = { width: 640, height: 220, left: 44, right: 8, top: 12, bottom: 40 };

const hourFormats = new Map();

/** "Dec 8, 14:00" in the venue's zone. */
function formatHour(iso, timeZone) {
  let f = hourFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    hourFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

/** Bars of tickets sold per hour, one per hour with sales, with a labelled y maximum. */
export function salesChart(hours, { currency, timeZone }) {
  if (!hours.length) return html`<p class="hint" data-test="chart-empty">No tickets sold yet.</p>`;
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const max = Math.max(...hours.map((h) => h.tickets));
  const slot = plotWidth / hours.length;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  // At most about eight labels under the bars, so they never overlap.
  const labelEvery = Math.ceil(hours.length / 8);
  const total = hours.reduce((sum, h) => sum + h.tickets, 0);
  const summary = `${total} tickets sold over ${hours.length} hour${hours.length === 1 ? '' : 's'} with sales; the busiest hour sold ${max}.`;
  const bars = hours.map((h, i) => {
    const barHeight = (h.tickets / max) * plotHeight;
    const x = left + i * slot + (slot - barWidth) / 2;
    const y = top + plotHeight - barHeight;
    const label = `${formatHour(h.hour, timeZone)}: ${h.tickets} tickets, ${formatMoney(h.revenue, currency)}`;
    return html`<rect class="chart-bar" data-test="chart-bar" data-hour="${h.hour}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${label}</title></rect>
      ${i % labelEvery === 0 ? html`<text class="axis" x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${formatHour(h.hour, timeZone)}</text>` : ''}`;
  });
  return html`
    <svg class="sales-chart" data-test="sales-chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="sales-chart-title sales-chart-desc" preserveAspectRatio="xMinYMin meet">
      <title id="sales-chart-title">Tickets sold per hour</title>
      <desc id="sales-chart-desc">${summary}</desc>
      <line class="axis-line" x1="${left}" y1="${top + plotHeight}" x2="${width - right}" y2="${top + plotHeight}"></line>
      <text class="axis" x="${left - 6}" y="${top + 4}" text-anchor="end">${max}</text>
      <text class="axis" x="${left - 6}" y="${top + plotHeight}" text-anchor="end">0</text>
      ${bars}
    </svg>
    <table class="sr-only" data-test="chart-table">
      <caption>Sales by hour</caption>
      <thead><tr><th scope="col">Hour</th><th scope="col">Tickets</th><th scope="col">Revenue</th></tr></thead>
      <tbody>${hours.map((h) => html`<tr><th scope="row">${formatHour(h.hour, timeZone)}</th><td>${h.tickets}</td><td>${formatMoney(h.revenue, currency)}</td></tr>`)}</tbody>
    </table>`;
}

function sectionsTable(report, names) {
  const money = (minor) => formatMoney(minor, report.currency);
  return html`
    <div class="table-wrap">
      <table class="report-table" data-test="report-sections">
        <caption class="sr-only">Sales per section</caption>
        <thead><tr><th scope="col">Section</th><th scope="col">Capacity</th><th scope="col">Sold</th><th scope="col">Held</th><th scope="col">Free</th><th scope="col">Revenue</th></tr></thead>
        <tbody>${report.sections.map((s) => html`
          <tr data-test="report-row" data-section="${s.section}">
            <th scope="row">${names[s.section] || s.section}</th><td>${s.capacity}</td><td data-test="report-sold">${s.sold}</td>
            <td data-test="report-held">${s.held}</td><td data-test="report-free">${s.free}</td><td data-test="report-revenue">${money(s.revenue)}</td>
          </tr>`)}</tbody>
        <tfoot><tr><th scope="row">Total</th><td>${report.sections.reduce((n, s) => n + s.capacity, 0)}</td><td>${report.sold}</td>
          <td>${report.sections.reduce((n, s) => n + s.held, 0)}</td><td>${report.sections.reduce((n, s) => n + s.free, 0)}</td><td>${money(report.revenue)}</td></tr></tfoot>
      </table>
    </div>`;
}

export class ReportPanel {
  /** Draws into `el`; `event` names the sections and carries the currency. */
  constructor(el, { venueId, eventId, event, timeZone, signal }) {
    this.el = el;
    this.url = path('api', 'venues', venueId, 'events', eventId, 'report');
    this.csv = path('api', 'venues', venueId, 'events', eventId, 'attendees.csv');
    this.names = Object.fromEntries((event.sections || []).map((s) => [s.section, s.name]));
    this.timeZone = timeZone;
    this.signal = signal;
  }

  async load() {
    try {
      const report = await api(this.url, { signal: this.signal });
      this.draw(report);
    } catch (e) {
      if (e.name !== 'AbortError') render(this.el, errorBox(e));
    }
  }

  draw(report) {
    const money = (minor) => formatMoney(minor, report.currency);
    render(this.el, html`
      <h2>Report</h2>
      ${sectionsTable(report, this.names)}
      <div class="stats">
        ${stat('Refunded', money(report.refunded), 'report-refunded')}
        ${stat('Checked in', report.checkedIn, 'report-checked-in')}
      </div>
      <h3>Sales by hour</h3>
      ${salesChart(report.salesByHour, { currency: report.currency, timeZone: this.timeZone })}
      <p><a class="btn" href="${this.csv}" download data-test="attendees-csv">Download attendee list (CSV)</a></p>
      <p class="hint">Revenue counts tickets still sold; refunds of cancelled bookings are shown apart. Times are in the venue's time zone.</p>`);
  }
}
