// Expand every event of an .ics file with ical.js (the parser Thunderbird uses) and print
// its occurrences as JSON: [{uid, start, end}] with start/end as UTC seconds.
// Usage: node expand_ics.mjs FILE RANGE_START RANGE_END (ISO dates, UTC).
import fs from "node:fs";
import ICAL from "ical.js";

const [file, from, to] = process.argv.slice(2);
const low = Date.parse(from) / 1000, high = Date.parse(to) / 1000;
const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}
const masters = new Map(), exceptions = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) exceptions.push(event); else masters.set(event.uid, event);
}
for (const ex of exceptions) {
  if (masters.has(ex.uid)) masters.get(ex.uid).relateException(ex);
}
const out = [];
for (const [uid, event] of masters) {
  if (!event.isRecurring()) {
    out.push({uid, start: event.startDate.toUnixTime(), end: event.endDate.toUnixTime()});
    continue;
  }
  const it = event.iterator();
  for (let next = it.next(), n = 0; next && n < 20000; next = it.next(), n++) {
    const details = event.getOccurrenceDetails(next);
    const start = details.startDate.toUnixTime();
    if (start >= high) break;
    if (details.endDate.toUnixTime() <= low) continue;
    out.push({uid, start, end: details.endDate.toUnixTime()});
  }
}
process.stdout.write(JSON.stringify(out));
