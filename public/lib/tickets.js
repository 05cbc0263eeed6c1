// How a ticket reads to a person: "Stalls · row A · seat 7" or "Floor (standing)".

/** seatId "<section>-<row>-<n>" (API.md) -> {row, number}; the row itself may contain dashes. */
export function parseSeatId(seatId, sectionId) {
  if (!seatId) return null;
  let rest = seatId.startsWith(sectionId + '-') ? seatId.slice(sectionId.length + 1) : seatId;
  const i = rest.lastIndexOf('-');
  if (i <= 0) return { row: '', number: rest };
  return { row: rest.slice(0, i), number: rest.slice(i + 1) };
}

export function sectionNames(venue) {
  const names = {};
  for (const s of venue?.layout?.sections || []) names[s.id] = s.name;
  return names;
}

export function ticketLabel(ticket, names = {}) {
  const section = names[ticket.section] || ticket.section;
  const seat = parseSeatId(ticket.seatId, ticket.section);
  if (!seat) return `${section} (general admission)`;
  return seat.row ? `${section} · row ${seat.row} · seat ${seat.number}` : `${section} · seat ${seat.number}`;
}
