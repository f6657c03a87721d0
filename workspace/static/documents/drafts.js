// Nothing typed in the editor is lost: the text is kept in this browser (localStorage)
// as it is typed, until a save goes through. Save first asks whether the session is still
// alive; when it is not (logged out in another tab, expired), nothing is sent, the text
// stays, and the person is sent to log in and brought back here, where the text returns.
// Leaving the page with unsaved changes asks first.

const PREFIX = "workspace-draft:";
const MAX_AGE = 30 * 24 * 3600 * 1000; // drafts older than a month are dropped

function forgetOldDrafts() {
  const now = Date.now();
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (!key || !key.startsWith(PREFIX)) continue;
    try {
      if (now - JSON.parse(localStorage.getItem(key)).at > MAX_AGE) localStorage.removeItem(key);
    } catch (error) { localStorage.removeItem(key); }
  }
}

function field(form, name) {
  return form.querySelector(`[name="${name}"]`);
}

function snapshot(form) {
  const value = (name) => field(form, name)?.value ?? "";
  return {title: value("title"), body: value("body"), comment: value("comment"),
          base: value("base_version")};
}

function restore(form, draft) {
  for (const name of ["title", "body", "comment"]) {
    const input = field(form, name);
    if (input) input.value = draft[name];
  }
  // The save carries the version the text was written on, so others' saves since then
  // are merged (or shown as clashes), never overwritten.
  const base = field(form, "base_version");
  if (base && draft.base) base.value = draft.base;
}

function say(box, html) {
  box.innerHTML = html;
  box.hidden = false;
  box.focus();
}

export function keepDrafts(form, editor) {
  const key = PREFIX + location.pathname;
  const note = document.createElement("div");
  note.className = "notice draft-note";
  note.setAttribute("role", "alert");
  note.tabIndex = -1;
  note.hidden = true;
  form.before(note);
  forgetOldDrafts();

  const original = snapshot(form);
  let dirty = false;
  let sending = false;
  let stored = null;
  try { stored = JSON.parse(localStorage.getItem(key)); } catch (error) { stored = null; }
  if (stored) {
    const savedSince = original.base && stored.base && Number(original.base) > Number(stored.base);
    // A submitted draft was saved when the version moved on (or a new document was made).
    if ((stored.submitted && (savedSince || !original.base)) || stored.body === original.body) {
      localStorage.removeItem(key); // that text was saved (or is on the page already)
    } else {
      restore(form, stored);
      dirty = true;
      const when = new Date(stored.at).toLocaleString();
      say(note, `<p>Your text that was not saved (last typed ${when}) is back in the editor. ` +
        `Check it and press Save. <button type="button" class="link-button">Discard it</button></p>`);
      note.querySelector("button").addEventListener("click", () => {
        restore(form, original);
        localStorage.removeItem(key);
        dirty = false;
        note.hidden = true;
        field(form, "body")?.dispatchEvent(new Event("input", {bubbles: true}));
      });
    }
  }

  let timer = null;
  const keep = (extra = {}) => {
    try {
      localStorage.setItem(key, JSON.stringify({...snapshot(form), at: Date.now(), ...extra}));
    } catch (error) { /* storage full or refused: the page still warns before leaving */ }
  };
  form.addEventListener("input", () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(keep, 400);
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty && !sending) {
      keep();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  form.addEventListener("submit", async (event) => {
    if (sending) return;
    event.preventDefault();
    const submitter = event.submitter;
    keep();
    let alive = false;
    let reachable = true;
    try {
      const response = await fetch(editor.dataset.meUrl, {credentials: "same-origin",
                                                          headers: {"Accept": "application/json"}});
      alive = response.ok && (await response.json()).login === editor.dataset.login;
    } catch (error) { reachable = false; }
    if (!alive) {
      say(note, reachable
        ? `<p><strong>Your session has ended, so nothing was saved.</strong> Your text is kept ` +
          `in this browser. <a href="${editor.dataset.loginUrl}">Log in again</a> and you come ` +
          `back here with it, then press Save.</p>`
        : `<p><strong>The site cannot be reached just now, so nothing was saved.</strong> Your ` +
          `text is kept in this browser; press Save again in a moment.</p>`);
      return;
    }
    sending = true;
    keep({submitted: true});
    if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
  });
}
