// The board's state as the server sees it, kept in step by polling `ops?since=N`.
//
// Local changes go out as op batches; remote ops come in by polling. For one element the
// write the server received last wins, so an incoming op is skipped when this page has an
// unsent or unacknowledged change to that element, or when our own later write (acknowledged
// with a higher sequence number) has already superseded it.

const POLL_MS = 700;
const FLUSH_MS = 200;  // a drag sends at most 5 writes a second
const MAX_BATCH = 500;

export class Board {
  constructor(api, { onChange, onPresence, onStatus }) {
    this.api = api;
    this.elements = new Map();   // id -> element (live only)
    this.seq = 0;
    this.outbox = new Map();     // id -> op not yet sent (the newest op per id wins)
    this.inFlight = new Set();   // ids in the batch being sent
    this.ackedSeq = new Map();   // id -> seq of our newest acknowledged write
    this.onChange = onChange;
    this.onPresence = onPresence;
    this.onStatus = onStatus;
    this.csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
    this.flushTimer = null;
    this.stopped = false;
  }

  async load() {
    const response = await fetch(this.api, { credentials: "same-origin",
                                             headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`Loading the board failed (${response.status}).`);
    const body = await response.json();
    this.elements = new Map(body.elements.map((e) => [e.id, e]));
    this.seq = body.seq;
    this.onChange();
  }

  start() {
    const loop = async () => {
      if (this.stopped) return;
      let again = POLL_MS;
      try {
        again = (await this.poll()) ? 0 : POLL_MS;
        this.onStatus(this.pending() ? "Saving…" : "Up to date");
      } catch (err) {
        this.onStatus(this.stopped ? err.message : "Offline: retrying…");
        again = 3000;
      }
      setTimeout(loop, again);
    };
    loop();
  }

  pending() {
    return this.outbox.size + this.inFlight.size;
  }

  async poll() {
    const response = await fetch(`${this.api}/ops?since=${this.seq}`, {
      credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 404 || response.status === 401) {
      this.stopped = true;  // moved to the trash, or our access or session has ended
      throw new Error(response.status === 404 ? "This board is no longer here."
                                              : "Your session has ended: log in again.");
    }
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.json();
    this.onPresence(body.present || []);
    if (body.reset) {
      await this.load();
      return false;
    }
    let changed = false;
    for (const op of body.ops) {
      if (op.seq <= this.seq) continue;
      this.seq = op.seq;
      if (this.outbox.has(op.id) || this.inFlight.has(op.id)) continue;
      if ((this.ackedSeq.get(op.id) || 0) >= op.seq) continue;
      if (op.op === "put") this.elements.set(op.id, op.element);
      else this.elements.delete(op.id);
      changed = true;
    }
    this.seq = Math.max(this.seq, body.seq);
    if (changed) this.onChange();
    return body.more;
  }

  // Local changes: apply at once, send soon.
  put(element) {
    this.elements.set(element.id, element);
    this.queue({ op: "put", element: strip(element) });
  }

  remove(id) {
    this.elements.delete(id);
    this.queue({ op: "delete", id });
  }

  queue(op) {
    this.outbox.set(op.op === "put" ? op.element.id : op.id, op);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  async flush() {
    this.flushTimer = null;
    if (this.inFlight.size || !this.outbox.size) {
      if (this.outbox.size) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      return;
    }
    const entries = [...this.outbox.entries()].slice(0, MAX_BATCH);
    for (const [id] of entries) {
      this.outbox.delete(id);
      this.inFlight.add(id);
    }
    this.onStatus("Saving…");
    try {
      const response = await fetch(`${this.api}/ops`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json",
                   "X-CSRF-Token": this.csrf },
        body: JSON.stringify({ ops: entries.map(([, op]) => op) }) });
      if (response.ok) {
        const { seq } = await response.json();
        for (const [id] of entries) this.ackedSeq.set(id, seq);
        this.onStatus(this.outbox.size ? "Saving…" : "Saved");
      } else if (response.status >= 400 && response.status < 500) {
        const body = await response.json().catch(() => ({}));
        this.onStatus(`Not saved: ${body.message || response.status}`);
        await this.load();  // the server refused: show what it holds
      } else {
        throw new Error(String(response.status));
      }
    } catch (err) {
      for (const [id, op] of entries) if (!this.outbox.has(id)) this.outbox.set(id, op);
      this.onStatus("Offline: will retry…");
    } finally {
      for (const [id] of entries) this.inFlight.delete(id);
      if (this.outbox.size && !this.flushTimer) {
        this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS * 8);
      }
    }
  }

  sorted() {
    // Bottom to top: the server's `order`; our own new elements (no order yet) on top.
    const key = (e) => e.order ?? Number.MAX_SAFE_INTEGER;
    return [...this.elements.values()].sort((a, b) => key(a) - key(b) ||
                                            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

// The server sets these; everything else goes out as the element has it, so that what
// Excalidraw wrote (groups, roundness, bindings, links, frames, pressures, custom data...)
// survives an edit here. The server validates and bounds every field.
const SERVER_FIELDS = new Set(["version", "order"]);

function strip(element) {
  const out = {};
  for (const [key, value] of Object.entries(element)) {
    if (!SERVER_FIELDS.has(key) && value !== undefined) out[key] = value;
  }
  return out;
}

export function newId() {
  const time = Date.now().toString(36).padStart(9, "0");
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)),
                            (b) => (b % 36).toString(36)).join("");
  return `${time}-${random}`;
}
