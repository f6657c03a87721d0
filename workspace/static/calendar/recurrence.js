// A recurrence picker for the event form: "every 2 weeks on Monday and Wednesday", "monthly
// on the first Tuesday", "10 times" or "until" a date, instead of typing an RFC 5545 RRULE.
// It writes the same RRULE strings into the form's rule field, which stays the one the
// server reads (and which people without scripts type into).

const DAYS = [["MO", "Monday"], ["TU", "Tuesday"], ["WE", "Wednesday"], ["TH", "Thursday"],
              ["FR", "Friday"], ["SA", "Saturday"], ["SU", "Sunday"]];
const UNITS = [["DAILY", "day", "days"], ["WEEKLY", "week", "weeks"],
               ["MONTHLY", "month", "months"], ["YEARLY", "year", "years"]];
const NTH = [["1", "first"], ["2", "second"], ["3", "third"], ["4", "fourth"], ["-1", "last"]];

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function labelled(id, text, control) {
  return el("span", {class: "picker-item"}, el("label", {for: id}, text), control);
}

export function parseRule(text) {
  const rule = {};
  for (const part of (text || "").split(";")) {
    const [key, value] = part.split("=");
    if (key) rule[key.trim().toUpperCase()] = (value || "").trim().toUpperCase();
  }
  return rule;
}

function understood(rule) {
  const known = new Set(["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"]);
  return UNITS.some(([freq]) => freq === rule.FREQ)
    && Object.keys(rule).every((key) => known.has(key))
    && (!rule.BYDAY || rule.FREQ !== "MONTHLY" || /^-?\d[A-Z]{2}$/.test(rule.BYDAY));
}

function startDate(form) {
  const value = form.querySelector('[name="start_date"]')?.value;
  return value ? new Date(`${value}T12:00:00`) : new Date();
}

export function enhance(form) {
  const repeat = form.querySelector('select[name="repeat"]');
  const raw = form.querySelector('input[name="rrule"]');
  if (!repeat || !raw) return;
  const rawItem = raw.closest(".mb-3, .form-group") || raw.parentElement;
  const custom = [...repeat.options].find((o) => o.value === "custom");
  if (custom) custom.textContent = "Custom…";

  const interval = el("input", {type: "number", id: "rr-interval", min: "1", max: "999",
                                value: "1", inputmode: "numeric"});
  const unit = el("select", {id: "rr-unit"},
                  ...UNITS.map(([freq, one]) => el("option", {value: freq}, one + "(s)")));
  const days = el("fieldset", {class: "picker-days"}, el("legend", {}, "On"),
    ...DAYS.map(([code, name]) => el("label", {}, el("input", {type: "checkbox", value: code,
                                                            name: "rr-day"}), " " + name)));
  const byDay = el("input", {type: "radio", name: "rr-monthly", value: "day", id: "rr-m-day",
                             checked: ""});
  const byNth = el("input", {type: "radio", name: "rr-monthly", value: "nth", id: "rr-m-nth"});
  const dayLabel = el("label", {for: "rr-m-day"});
  const nthLabel = el("label", {for: "rr-m-nth"});
  const monthly = el("fieldset", {class: "picker-monthly"}, el("legend", {}, "Each month"),
                     el("span", {}, byDay, " ", dayLabel), el("span", {}, byNth, " ", nthLabel));
  const count = el("input", {type: "number", id: "rr-count", min: "1", max: "5000",
                             inputmode: "numeric", placeholder: "e.g. 10"});
  const ends = el("fieldset", {class: "picker-ends"}, el("legend", {}, "Ends"),
    el("label", {}, el("input", {type: "radio", name: "rr-end", value: "never", checked: ""}),
       " Never (or on the “Repeats until” date)"),
    el("span", {}, el("input", {type: "radio", name: "rr-end", value: "count", id: "rr-end-count"}),
       " ", el("label", {for: "rr-end-count"}, "After"), " ", count,
       el("span", {"aria-hidden": "true"}, " times")));
  count.setAttribute("aria-label", "Number of times");
  const summary = el("p", {class: "picker-summary", "aria-live": "polite"});
  const picker = el("fieldset", {class: "recurrence-picker"}, el("legend", {}, "Custom repeat"),
                    el("p", {}, labelled("rr-interval", "Every ", interval), " ",
                       labelled("rr-unit", "Unit", unit)),
                    days, monthly, ends, summary);
  repeat.closest(".mb-3, .form-group")?.after(picker);
  picker.querySelector('label[for="rr-unit"]').classList.add("visually-hidden");

  function nthOfMonth(date) {
    const week = Math.ceil(date.getDate() / 7);
    return {n: week > 4 ? "-1" : String(week), day: DAYS[(date.getDay() + 6) % 7]};
  }

  function describeMonthly() {
    const date = startDate(form);
    const {n, day} = nthOfMonth(date);
    dayLabel.textContent = `on day ${date.getDate()}`;
    nthLabel.textContent = `on the ${NTH.find(([k]) => k === n)?.[1] || "last"} ${day[1]}`;
    return {monthDay: date.getDate(), nth: `${n}${day[0]}`};
  }

  function write() {
    const freq = unit.value;
    const every = Math.max(1, parseInt(interval.value, 10) || 1);
    const parts = [`FREQ=${freq}`];
    if (every > 1) parts.push(`INTERVAL=${every}`);
    const chosen = [...days.querySelectorAll("input:checked")].map((i) => i.value);
    const month = describeMonthly();
    if (freq === "WEEKLY" && chosen.length) parts.push(`BYDAY=${chosen.join(",")}`);
    if (freq === "MONTHLY") parts.push(byNth.checked ? `BYDAY=${month.nth}` : `BYMONTHDAY=${month.monthDay}`);
    const times = parseInt(count.value, 10);
    const counted = picker.querySelector('input[name="rr-end"][value="count"]').checked && times > 0;
    if (counted) parts.push(`COUNT=${times}`);
    raw.value = parts.join(";");
    days.hidden = freq !== "WEEKLY";
    monthly.hidden = freq !== "MONTHLY";
    const [, one, many] = UNITS.find(([f]) => f === freq);
    const names = chosen.map((code) => DAYS.find(([c]) => c === code)[1]);
    summary.textContent = `Repeats every ${every === 1 ? one : `${every} ${many}`}` +
      (freq === "WEEKLY" && names.length ? ` on ${names.join(", ")}` : "") +
      (freq === "MONTHLY" ? ` ${byNth.checked ? nthLabel.textContent : dayLabel.textContent}` : "") +
      (counted ? `, ${times} times` : "") + ` (rule: ${raw.value}).`;
  }

  function read(rule) {
    unit.value = rule.FREQ;
    interval.value = rule.INTERVAL || "1";
    for (const box of days.querySelectorAll("input")) {
      box.checked = (rule.BYDAY || "").split(",").includes(box.value);
    }
    byNth.checked = rule.FREQ === "MONTHLY" && Boolean(rule.BYDAY);
    byDay.checked = !byNth.checked;
    if (rule.COUNT) {
      picker.querySelector('input[name="rr-end"][value="count"]').checked = true;
      count.value = rule.COUNT;
    }
  }

  function show() {
    const on = repeat.value === "custom";
    // A rule the picker cannot show stays in its own field, to be edited as it is.
    const pickable = !raw.value || understood(parseRule(raw.value));
    picker.hidden = !(on && pickable);
    rawItem.hidden = !(on && !pickable);
    if (!picker.hidden) write();
  }

  const initial = parseRule(raw.value);
  if (raw.value && understood(initial)) read(initial);
  else unit.value = "WEEKLY";
  picker.addEventListener("input", write);
  picker.addEventListener("change", write);
  form.querySelector('[name="start_date"]')?.addEventListener("change", () => picker.hidden || write());
  repeat.addEventListener("change", () => {
    if (repeat.value === "custom" && !raw.value) { unit.value = "WEEKLY"; }
    show();
  });
  show();
}
