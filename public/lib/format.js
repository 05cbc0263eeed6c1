// Money and time formatting. Money arrives in integer minor units; how many digits a
// currency has (JPY 0, EUR 2, KWD 3) comes from Intl, never from a guess.

const moneyFormats = new Map();

function moneyFormat(currency) {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      // An unknown code still shows its amount rather than breaking the page.
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'XXX' });
    }
    moneyFormats.set(currency, f);
  }
  return f;
}

const digitsCache = new Map();

/** Number of decimals of a currency (0, 2 or 3). Cached: a 5,000-seat map asks per seat. */
export function currencyDigits(currency) {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/** 4500, "EUR" -> "€45.00" (in the browser's locale). */
export function formatMoney(minor, currency) {
  if (minor === null || minor === undefined || !currency) return '';
  return moneyFormat(currency).format(minor / 10 ** currencyDigits(currency));
}

/** "45.5", "EUR" -> 4550; null when the text is not an amount. */
export function toMinorUnits(text, currency) {
  const clean = String(text).trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  const digits = currencyDigits(currency);
  const [whole, frac = ''] = clean.split('.');
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return null;
  // String arithmetic: no float rounding surprises on amounts like 0.29.
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || 0);
}

/** 4550, "EUR" -> "45.50" for an input field. */
export function fromMinorUnits(minor, currency) {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

const dateFormats = new Map();

function dateFormat(timeZone, style) {
  const key = timeZone + '|' + style;
  let f = dateFormats.get(key);
  if (!f) {
    const options = style === 'date'
      ? { dateStyle: 'medium' }
      : style === 'time'
        ? { timeStyle: 'short' }
        : { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
    try {
      f = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    }
    dateFormats.set(key, f);
  }
  return f;
}

/** An RFC 3339 time shown in a venue's IANA zone, e.g. "Sat, Jun 1, 2030, 21:00 CEST". */
export function formatDateTime(iso, timeZone) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dateFormat(timeZone || 'UTC', 'datetime').format(d);
}

export function formatDate(iso, timeZone) {
  if (!iso) return '';
  return dateFormat(timeZone || 'UTC', 'date').format(new Date(iso));
}

/** RFC 3339 without milliseconds, as the API writes it. */
export function toRFC3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The wall-clock parts of an instant in a zone.
function zonedParts(ms, timeZone) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

/**
 * "2030-06-01T21:00" typed for a venue in Europe/Paris -> "2030-06-01T19:00:00Z".
 * The organizer types the venue's local time, not the browser's.
 */
export function zonedLocalToRFC3339(local, timeZone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return null;
  const wanted = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let guess = wanted;
  // Two rounds settle the offset, also across a DST change.
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(guess, timeZone);
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
    guess += wanted - shown;
  }
  return toRFC3339(new Date(guess));
}

/** The inverse: an instant as "YYYY-MM-DDTHH:mm" in the zone, for datetime-local inputs. */
export function rfc3339ToZonedLocal(iso, timeZone) {
  if (!iso) return '';
  const p = zonedParts(new Date(iso).getTime(), timeZone);
  const two = (n) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}`;
}

/** "mm:ss" (or "h:mm:ss") for a countdown. */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** The zone of the browser, for defaults. */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
