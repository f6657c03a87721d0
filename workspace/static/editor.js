// The Markdown editor: a toolbar over the deform textarea, a live preview rendered and
// sanitised by the server (the same renderer as saved documents), and presence: who else
// has this document's editor open. No hard locks: saves merge or report a conflict, and
// a conflict is resolved clash by clash (documents/conflict.js). What is typed is kept in
// the browser until it is saved (documents/drafts.js).

import {clashCount, resolveConflicts} from "./documents/conflict.js";
import {keepDrafts} from "./documents/drafts.js";

const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function postJSON(url, data, keepalive = false) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin", keepalive,
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
    body: JSON.stringify(data),
  });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

// Each tool: [label, shortcut key, what to do with the selection].
const TOOLS = [
  ["Bold", "b", (text) => wrap(text, "**", "**", "bold text")],
  ["Italic", "i", (text) => wrap(text, "_", "_", "italic text")],
  ["Heading", null, (text) => prefixLines(text, "## ")],
  ["Bulleted list", null, (text) => prefixLines(text, "- ")],
  ["Numbered list", null, (text) => prefixLines(text, "1. ")],
  ["Quote", null, (text) => prefixLines(text, "> ")],
  ["Code", null, (text) => wrap(text, "`", "`", "code")],
  ["Link", "k", (text) => wrap(text, "[", "](https://)", "link text")],
];

function wrap(text, before, after, placeholder) {
  return before + (text || placeholder) + after;
}

function prefixLines(text, prefix) {
  return (text || "").split("\n").map((line) => prefix + line).join("\n");
}

function apply(textarea, action) {
  const {selectionStart: start, selectionEnd: end, value} = textarea;
  const replacement = action(value.slice(start, end));
  textarea.setRangeText(replacement, start, end, "select");
  textarea.focus();
  textarea.dispatchEvent(new Event("input", {bubbles: true}));
}

function buildToolbar(textarea) {
  const bar = document.createElement("div");
  bar.className = "editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Formatting");
  bar.setAttribute("aria-controls", textarea.id);
  for (const [label, key, action] of TOOLS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    if (key) button.title = `${label} (Ctrl+${key.toUpperCase()})`;
    button.addEventListener("click", () => apply(textarea, action));
    bar.append(button);
  }
  textarea.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    const tool = TOOLS.find(([, key]) => key && key === event.key.toLowerCase());
    if (tool) {
      event.preventDefault();
      apply(textarea, tool[2]);
    }
  });
  textarea.before(bar);
}

function buildPreview(textarea, url) {
  const section = document.createElement("section");
  section.className = "editor-preview";
  section.setAttribute("aria-label", "Preview");
  const heading = document.createElement("h2");
  heading.textContent = "Preview";
  const body = document.createElement("div");
  body.className = "content-html";
  section.append(heading, body);
  textarea.closest(".form-group, .mb-3, .deform-form-fieldset")?.after(section)
    ?? textarea.after(section);
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const ticket = ++asked;
    const clashes = clashCount(textarea.value);
    if (clashes) {
      // Markers are no Markdown: "=======" would make a heading, ">>>>>>>" quotes.
      body.textContent = `The preview shows the text once its ${clashes === 1 ? "clash is" :
        clashes + " clashes are"} resolved.`;
      return;
    }
    try {
      const {html} = await postJSON(url, {body: textarea.value});
      if (ticket === asked) body.innerHTML = html; // sanitised by the server (nh3)
    } catch (error) {
      body.textContent = "The preview is not available right now.";
    }
  };
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
}

function watchPresence(box) {
  const url = box.dataset.presenceUrl;
  const show = (editors) => {
    box.textContent = editors.length
      ? `Also editing now: ${editors.join(", ")}`
      : "Nobody else is editing this document right now.";
  };
  const beat = async () => {
    try {
      show((await postJSON(url, {leaving: false})).editors);
    } catch (error) { /* offline for a moment: try again at the next beat */ }
  };
  // At once, then every few seconds: two people who open the editor together learn of
  // each other within moments, not at the first beat ten seconds on.
  beat();
  setInterval(beat, 3000);
  window.addEventListener("pagehide", () => {
    postJSON(url, {leaving: true}, true).catch(() => {});
  });
}

const textarea = document.querySelector("textarea.markdown-source");
const editor = document.querySelector(".editor[data-preview-url]");
if (textarea && editor) {
  buildToolbar(textarea);
  keepDrafts(textarea.form, editor);
  const conflict = document.querySelector(".conflict");
  if (conflict && clashCount(textarea.value)) resolveConflicts(conflict, textarea);
  buildPreview(textarea, editor.dataset.previewUrl);
}
const presence = document.getElementById("presence");
if (presence) watchPresence(presence);
