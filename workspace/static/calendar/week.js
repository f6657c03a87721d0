// The week as a time grid on wide screens: seven day columns over the hours, each event a
// block as long as it lasts (side by side when they overlap). The page itself is a list of
// days (what a phone, a screen reader or a browser without scripts gets); this only lays
// the same items out, from each item's data-minutes ("540-600": 09:00 to 10:00).

const HOUR = 3; // rem per hour
const week = document.querySelector(".week");
const wide = window.matchMedia("(min-width: 48rem)");

function span(li) {
  const [from, to] = li.dataset.minutes.split("-").map(Number);
  return {li, from, to};
}

// Greedy lanes: each item takes the first lane free at its start; items that overlap share
// the width of the busiest moment of their cluster.
function lanes(items) {
  items.sort((a, b) => a.from - b.from || b.to - a.to);
  let cluster = [], ends = [], clusterEnd = -1;
  const close = () => cluster.forEach((item) => { item.lanes = ends.length; });
  for (const item of items) {
    if (item.from >= clusterEnd) { close(); cluster = []; ends = []; }
    let lane = ends.findIndex((end) => end <= item.from);
    if (lane < 0) { lane = ends.length; ends.push(item.to); } else ends[lane] = item.to;
    item.lane = lane;
    cluster.push(item);
    clusterEnd = Math.max(clusterEnd, item.to);
  }
  close();
}

function layOut() {
  const timed = [...week.querySelectorAll("li[data-minutes]")].map(span);
  const first = Math.min(8, ...timed.map((t) => Math.floor(t.from / 60)));
  const last = Math.max(18, ...timed.map((t) => Math.ceil(t.to / 60)));
  const hours = document.createElement("div");
  hours.className = "week-hours";
  hours.setAttribute("aria-hidden", "true");
  hours.style.height = `${(last - first) * HOUR}rem`;
  for (let h = first; h < last; h++) {
    const label = document.createElement("span");
    label.textContent = `${String(h).padStart(2, "0")}:00`;
    label.style.top = `${(h - first) * HOUR}rem`;
    hours.append(label);
  }
  week.prepend(hours);
  for (const day of week.querySelectorAll(".agenda-day")) {
    const slots = document.createElement("ul");
    slots.className = "week-slots";
    slots.style.height = `${(last - first) * HOUR}rem`;
    const items = [...day.querySelectorAll("li[data-minutes]")].map(span);
    lanes(items);
    for (const item of items) {
      const block = item.li;
      block.classList.add("week-block");
      block.style.top = `${(item.from / 60 - first) * HOUR}rem`;
      block.style.height = `${Math.max((item.to - item.from) / 60 * HOUR, 1.4)}rem`;
      block.style.left = `${(item.lane / item.lanes) * 100}%`;
      block.style.width = `${100 / item.lanes}%`;
      slots.append(block);
    }
    day.querySelector("ul.day-events")?.classList.add("all-day-events");
    day.querySelector("p.meta")?.remove();
    day.append(slots);
  }
  week.classList.add("time-grid");
}

if (week && wide.matches) layOut();
