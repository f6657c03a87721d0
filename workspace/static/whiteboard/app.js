// The whiteboard page: tools, selection, pan and zoom, undo and redo, the text editor,
// and the side lists (who is here, the text on the board). State lives in sync.js's Board.
import { Board, newId } from "./sync.js";
import { bounds, drawElement, drawSelection, handles, hits, isLinear, measureText }
  from "./render.js";

const root = document.getElementById("whiteboard");
const canEdit = root.dataset.canEdit === "true";
const canvas = document.getElementById("wb-canvas");
const ctx = canvas.getContext("2d");
const editor = document.getElementById("wb-editor");
const statusEl = document.getElementById("wb-status");
const peopleEl = document.getElementById("wb-people");
const notesEl = document.getElementById("wb-notes");
const zoomEl = document.getElementById("wb-zoom");

const view = { x: 0, y: 0, zoom: 1 };   // screen = (world + view.x|y) * zoom
const style = { strokeColor: "#1e1e1e", backgroundColor: "transparent", strokeWidth: 2 };
const history = { undo: [], redo: [] };
let tool = "select";
let selectedId = null;
let action = null;          // what the pointer is doing now
let editing = null;         // { id, before, isNew } while the text editor is open
let spaceDown = false;
let dirty = true;
const pointers = new Map(); // pointerId -> {x, y} on screen, for pinch zoom

const board = new Board(root.dataset.api, {
  onChange: () => { dirty = true; refreshNotes(); },
  onPresence: (logins) => showPeople(logins),
  onStatus: (text) => { statusEl.textContent = text; },
});

const round = (n) => Math.round(n * 100) / 100;

// -- coordinates and drawing -------------------------------------------------------------

function toWorld(sx, sy) {
  return { x: sx / view.zoom - view.x, y: sy / view.zoom - view.y };
}

function eventPoint(event) {
  const rect = canvas.getBoundingClientRect();
  return { sx: event.clientX - rect.left, sy: event.clientY - rect.top };
}

function resize() {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * ratio);
  canvas.height = Math.round(canvas.clientHeight * ratio);
  dirty = true;
}

function frame() {
  if (dirty) {
    dirty = false;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(ratio * view.zoom, 0, 0, ratio * view.zoom, ratio * view.zoom * view.x,
                     ratio * view.zoom * view.y);
    const elements = board.sorted();
    const boundText = new Map();
    for (const e of elements) {
      if (e.type === "text" && e.containerId && !(editing && editing.id === e.id)) {
        boundText.set(e.containerId, e);
      }
    }
    for (const e of elements) {
      if (editing && editing.id === e.id) continue;
      drawElement(ctx, e, boundText.get(e.id));
    }
    if (action && action.kind === "create") drawElement(ctx, action.element);
    const selected = selectedId && board.elements.get(selectedId);
    if (selected && !editing) drawSelection(ctx, selected, view.zoom);
  }
  requestAnimationFrame(frame);
}

function zoomAt(factor, sx, sy) {
  const before = toWorld(sx, sy);
  view.zoom = Math.min(5, Math.max(0.1, view.zoom * factor));
  view.x = sx / view.zoom - before.x;
  view.y = sy / view.zoom - before.y;
  viewChanged();
}

function viewChanged() {
  zoomEl.textContent = `${Math.round(view.zoom * 100)}%`;
  dirty = true;
  placeEditor();
}

// -- changes, with undo ------------------------------------------------------------------

function snapshot(ids) {
  return new Map(ids.map((id) => [id, board.elements.get(id) ? { ...board.elements.get(id) }
                                                             : null]));
}

function record(before) {
  const after = snapshot([...before.keys()]);
  const same = [...before.keys()].every((id) => JSON.stringify(before.get(id)) ===
                                               JSON.stringify(after.get(id)));
  if (same) return;
  history.undo.push({ before, after });
  if (history.undo.length > 200) history.undo.shift();
  history.redo = [];
}

function restoreStates(states) {
  for (const [id, element] of states) {
    if (element) board.put({ ...element });
    else if (board.elements.has(id)) board.remove(id);
  }
  if (selectedId && !board.elements.has(selectedId)) selectedId = null;
  dirty = true;
  refreshNotes();
}

function undo() {
  const entry = history.undo.pop();
  if (!entry) return;
  restoreStates(entry.before);
  history.redo.push(entry);
}

function redo() {
  const entry = history.redo.pop();
  if (!entry) return;
  restoreStates(entry.after);
  history.undo.push(entry);
}

function deleteSelected() {
  if (!selectedId || !canEdit) return;
  const ids = [selectedId, ...[...board.elements.values()]
    .filter((e) => e.containerId === selectedId).map((e) => e.id)];
  const before = snapshot(ids);
  ids.forEach((id) => board.remove(id));
  record(before);
  selectedId = null;
  dirty = true;
  refreshNotes();
}

function update(id, changes) {
  const element = { ...board.elements.get(id), ...changes };
  board.put(element);
  dirty = true;
  return element;
}

// -- pointer: draw, select, move, resize, pan --------------------------------------------

function topmostAt(x, y) {
  const tolerance = 6 / view.zoom;
  const elements = board.sorted().reverse();
  return elements.find((e) => !(e.type === "text" && e.containerId) && hits(e, x, y, tolerance));
}

function handleAt(x, y) {
  const selected = selectedId && board.elements.get(selectedId);
  if (!selected) return -1;
  const tolerance = 8 / view.zoom;
  return handles(selected, view.zoom).findIndex(([hx, hy]) => Math.abs(hx - x) <= tolerance &&
                                                            Math.abs(hy - y) <= tolerance);
}

function newElement(type, x, y) {
  const base = { id: newId(), type, x: round(x), y: round(y), width: 0, height: 0,
                 strokeColor: style.strokeColor, strokeWidth: style.strokeWidth,
                 backgroundColor: style.backgroundColor };
  if (isLinear(base)) base.points = [[0, 0]];
  if (type === "arrow") base.endArrowhead = "arrow";
  return base;
}

function onPointerDown(event) {
  canvas.focus({ preventScroll: true });
  if (editing) commitEditor();
  pointers.set(event.pointerId, eventPoint(event));
  canvas.setPointerCapture(event.pointerId);
  if (pointers.size === 2) {  // a second finger: pinch and pan instead
    const [a, b] = [...pointers.values()];
    action = { kind: "pinch", distance: Math.hypot(a.sx - b.sx, a.sy - b.sy),
               mid: { sx: (a.sx + b.sx) / 2, sy: (a.sy + b.sy) / 2 } };
    return;
  }
  const { sx, sy } = eventPoint(event);
  const p = toWorld(sx, sy);
  if (tool === "hand" || spaceDown || event.button === 1 || !canEdit) {
    action = { kind: "pan", sx, sy, x: view.x, y: view.y };
    return;
  }
  if (tool === "select") {
    const handle = handleAt(p.x, p.y);
    if (handle >= 0) {
      const e = board.elements.get(selectedId);
      const box = bounds(e);
      const corner = [[box.x, box.y], [box.x + box.width, box.y],
                      [box.x + box.width, box.y + box.height], [box.x, box.y + box.height]][handle];
      // the handle sits a little outside the corner: keep the corner where the pointer grabbed it
      action = { kind: "resize", handle, start: { ...e }, box, before: snapshot([e.id]),
                 grab: { x: p.x - corner[0], y: p.y - corner[1] } };
      return;
    }
    const hit = topmostAt(p.x, p.y);
    selectedId = hit ? hit.id : null;
    dirty = true;
    if (hit) {
      const bound = [...board.elements.values()].filter((e) => e.containerId === hit.id);
      action = { kind: "move", from: p, start: [hit, ...bound].map((e) => ({ ...e })),
                 before: snapshot([hit.id, ...bound.map((e) => e.id)]) };
    }
    return;
  }
  if (tool === "text" || tool === "sticky") {
    // the editor opens on pointerup: focus moves to the canvas on the way down
    action = { kind: "place", type: tool, at: p };
    return;
  }
  action = { kind: "create", element: newElement(tool, p.x, p.y), from: p };
}

function onPointerMove(event) {
  if (!pointers.has(event.pointerId)) {
    if (tool === "select" && canEdit) {
      const { sx, sy } = eventPoint(event);
      const p = toWorld(sx, sy);
      const handle = handleAt(p.x, p.y);
      canvas.dataset.cursor = handle === 0 || handle === 2 ? "nwse"
        : handle === 1 || handle === 3 ? "nesw" : topmostAt(p.x, p.y) ? "move" : "";
    }
    return;
  }
  pointers.set(event.pointerId, eventPoint(event));
  if (!action) return;
  const { sx, sy } = eventPoint(event);
  const p = toWorld(sx, sy);
  if (action.kind === "pinch") {
    const [a, b] = [...pointers.values()];
    if (!b) return;
    const distance = Math.hypot(a.sx - b.sx, a.sy - b.sy);
    const mid = { sx: (a.sx + b.sx) / 2, sy: (a.sy + b.sy) / 2 };
    view.x += (mid.sx - action.mid.sx) / view.zoom;
    view.y += (mid.sy - action.mid.sy) / view.zoom;
    if (action.distance > 0) zoomAt(distance / action.distance, mid.sx, mid.sy);
    Object.assign(action, { distance, mid });
  } else if (action.kind === "pan") {
    view.x = action.x + (sx - action.sx) / view.zoom;
    view.y = action.y + (sy - action.sy) / view.zoom;
    placeEditor();
  } else if (action.kind === "move") {
    const dx = p.x - action.from.x;
    const dy = p.y - action.from.y;
    for (const e of action.start) update(e.id, { x: round(e.x + dx), y: round(e.y + dy) });
  } else if (action.kind === "resize") {
    resizeTo(action, p);
  } else if (action.kind === "place") {
    action.to = p; // a sticky note takes the size it is dragged to
  } else if (action.kind === "create") {
    const e = action.element;
    const dx = round(p.x - action.from.x);
    const dy = round(p.y - action.from.y);
    if (e.type === "freedraw") {
      // skip points closer than a pixel or two, and stop at the server's 5,000
      const [lx, ly] = e.points[e.points.length - 1];
      if (Math.hypot(dx - lx, dy - ly) * view.zoom >= 2 && e.points.length < 5000) {
        e.points.push([dx, dy]);
      }
    }
    else if (isLinear(e)) e.points = [[0, 0], [dx, dy]];
    else {
      let [w, h] = [dx, dy];
      if (event.shiftKey) w = h = Math.sign(dx || 1) * Math.max(Math.abs(dx), Math.abs(dy));
      e.width = w;
      e.height = h;
    }
  }
  dirty = true;
}

function resizeTo(act, pointer) {
  const { box, start, handle } = act;
  const p = { x: pointer.x - act.grab.x, y: pointer.y - act.grab.y };
  const anchor = [[box.x + box.width, box.y + box.height], [box.x, box.y + box.height],
                  [box.x, box.y], [box.x + box.width, box.y]][handle];
  const x = Math.min(anchor[0], p.x);
  const y = Math.min(anchor[1], p.y);
  const width = Math.max(4, Math.abs(p.x - anchor[0]));
  const height = Math.max(4, Math.abs(p.y - anchor[1]));
  if (isLinear(start)) {
    const sx = box.width ? width / box.width : 1;
    const sy = box.height ? height / box.height : 1;
    update(start.id, { x: round(x + (start.x - box.x) * sx), y: round(y + (start.y - box.y) * sy),
                       points: start.points.map(([px, py]) => [round(px * sx), round(py * sy)]) });
  } else if (start.type === "text") {
    const fontSize = Math.max(6, round((start.fontSize || 24) * height / (box.height || 1)));
    const size = measureText(ctx, start.text, fontSize);
    update(start.id, { x: round(x), y: round(y), fontSize, ...size });
  } else {
    update(start.id, { x: round(x), y: round(y), width: round(width), height: round(height) });
  }
}

function onPointerUp(event) {
  pointers.delete(event.pointerId);
  if (!action) return;
  if (action.kind === "pinch") {
    if (pointers.size === 0) action = null;
    return;
  }
  if (action.kind === "place") {
    placeNote(action.type, action.at, action.to);
  } else if (action.kind === "create") {
    const e = action.element;
    const b = bounds(e);
    if (Math.max(b.width, b.height) >= 3) {
      if (!isLinear(e)) Object.assign(e, { x: round(b.x), y: round(b.y), width: round(b.width),
                                           height: round(b.height) });
      const before = snapshot([e.id]);
      board.put(e);
      record(before);
      if (e.type !== "freedraw") selectedId = e.id;
    }
  } else if (action.kind === "move" || action.kind === "resize") {
    record(action.before);
  }
  action = null;
  dirty = true;
  refreshNotes();
}

// -- the text editor ---------------------------------------------------------------------

const MIN_DRAGGED_NOTE = 40; // a smaller drag is a click: the note gets its usual size

function placeNote(type, p, to = null) {
  const element = newElement(type, p.x, p.y);
  if (type === "sticky") {
    const dragged = to && Math.abs(to.x - p.x) >= MIN_DRAGGED_NOTE
      && Math.abs(to.y - p.y) >= MIN_DRAGGED_NOTE;
    const box = dragged
      ? { x: round(Math.min(p.x, to.x)), y: round(Math.min(p.y, to.y)),
          width: round(Math.abs(to.x - p.x)), height: round(Math.abs(to.y - p.y)) }
      : { x: round(p.x - 90), y: round(p.y - 70), width: 180, height: 140 };
    Object.assign(element, { ...box, backgroundColor: style.backgroundColor === "transparent"
                               ? "#fff3a0" : style.backgroundColor, fontSize: 20, text: "" });
  } else {
    Object.assign(element, { fontSize: 24, text: "", backgroundColor: "transparent" });
  }
  openEditor(element, true);
}

function openEditor(element, isNew) {
  editing = { id: element.id, element, before: snapshot([element.id]), isNew };
  editor.value = element.text || "";
  editor.hidden = false;
  placeEditor();
  dirty = true;
  editor.focus();
}

function placeEditor() {
  if (!editing) return;
  const e = editing.element;
  const box = editorBox(e);
  editor.style.left = `${(box.x + view.x) * view.zoom}px`;
  editor.style.top = `${(box.y + view.y) * view.zoom}px`;
  editor.style.fontSize = `${(e.fontSize || 20) * view.zoom}px`;
  editor.style.width = `${Math.max(box.width, 120) * view.zoom}px`;
  editor.style.height = `${Math.max(box.height, 40) * view.zoom}px`;
  editor.style.backgroundColor = e.type === "sticky" ? e.backgroundColor : "";
  editor.classList.toggle("sticky", box.type === "sticky");
}

function commitEditor() {
  if (!editing) return;
  const { element, before, isNew } = editing;
  editing = null;
  editor.hidden = true;
  const text = editor.value.slice(0, 10000);
  if (element.type === "text" && !text.trim()) {
    if (!isNew) board.remove(element.id);
  } else if (isNew || text !== element.text) {
    const changes = { text };
    // Excalidraw wraps bound text from `originalText`: it must say what was typed too.
    if (element.originalText !== undefined) changes.originalText = text;
    if (element.type === "text" && !element.containerId) {
      Object.assign(changes, measureText(ctx, text, element.fontSize || 24));
    }
    board.put({ ...element, ...changes });
    selectedId = element.containerId || element.id;
  }
  record(before);
  dirty = true;
  refreshNotes();
  canvas.focus({ preventScroll: true });
}

const LABELLED = new Set(["rectangle", "ellipse", "diamond"]);

function editSelected() {
  const e = selectedId && board.elements.get(selectedId);
  if (!e || !canEdit) return;
  if (e.type === "text" || e.type === "sticky") openEditor({ ...e }, false);
  else if (LABELLED.has(e.type)) {
    // a shape's label: a text element bound to it (Excalidraw's containerId)
    const label = [...board.elements.values()].find((t) => t.containerId === e.id);
    const b = bounds(e);
    openEditor(label ? { ...label } : { id: newId(), type: "text", containerId: e.id,
                                        x: b.x, y: b.y, width: b.width, height: b.height,
                                        fontSize: 20, text: "", strokeColor: e.strokeColor },
               !label);
  }
}

function editorBox(e) {
  const container = e.containerId && board.elements.get(e.containerId);
  return container ? { ...bounds(container), type: "sticky", fontSize: e.fontSize }
    : { ...e, width: e.type === "sticky" ? e.width : 240,
        height: e.type === "sticky" ? e.height : (e.fontSize || 20) * 2.5 };
}

editor.addEventListener("keydown", (event) => {
  if (event.key === "Escape" || (event.key === "Enter" && (event.ctrlKey || event.metaKey))) {
    event.preventDefault();
    commitEditor();
  }
});
editor.addEventListener("blur", () => commitEditor());

// -- keyboard, toolbar, side lists -------------------------------------------------------

const TOOL_KEYS = { v: "select", h: "hand", p: "freedraw", r: "rectangle", o: "ellipse",
                    d: "diamond", l: "line", a: "arrow", t: "text", s: "sticky" };

function setTool(name) {
  tool = name;
  // buttons only: the canvas carries data-tool too (for its cursor), and aria-pressed is
  // not allowed there (axe: aria-allowed-attr, critical)
  root.querySelectorAll("button[data-tool]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.tool === name));
  });
  canvas.dataset.tool = name;
  if (name !== "select") selectedId = null;
  dirty = true;
}

function nudge(dx, dy) {
  const e = selectedId && board.elements.get(selectedId);
  if (!e || !canEdit) return;
  const before = snapshot([e.id]);
  update(e.id, { x: e.x + dx, y: e.y + dy });
  record(before);
}

function onKeyDown(event) {
  if (event.target.closest("input, textarea, select")) return;
  const key = event.key.toLowerCase();
  const mod = event.ctrlKey || event.metaKey;
  if (key === " ") { spaceDown = true; if (event.target === canvas) event.preventDefault(); return; }
  if (mod && key === "z") { event.preventDefault(); (event.shiftKey ? redo : undo)(); return; }
  if (mod && key === "y") { event.preventDefault(); redo(); return; }
  if (mod) return;
  if (key === "delete" || key === "backspace") { event.preventDefault(); deleteSelected(); return; }
  if (key === "escape") { selectedId = null; setTool("select"); return; }
  if (key === "enter" && event.target === canvas) {
    event.preventDefault();
    // without a pointer: a note or text goes to the middle of the view
    if (canEdit && (tool === "sticky" || tool === "text")) {
      placeNote(tool, toWorld(canvas.clientWidth / 2, canvas.clientHeight / 2));
    } else editSelected();
    return;
  }
  if (key === "+" || key === "=") { zoomAt(1.2, canvas.clientWidth / 2, canvas.clientHeight / 2); return; }
  if (key === "-") { zoomAt(1 / 1.2, canvas.clientWidth / 2, canvas.clientHeight / 2); return; }
  if (key === "0") { Object.assign(view, { x: 0, y: 0, zoom: 1 }); viewChanged(); return; }
  const arrows = { arrowleft: [-1, 0], arrowright: [1, 0], arrowup: [0, -1], arrowdown: [0, 1] };
  if (arrows[key] && event.target === canvas && selectedId) {
    event.preventDefault();
    const step = event.shiftKey ? 10 : 1;
    nudge(arrows[key][0] * step, arrows[key][1] * step);
    return;
  }
  if (canEdit && TOOL_KEYS[key]) setTool(TOOL_KEYS[key]);
}

function applyStyle(field, value) {
  style[field] = value;
  const e = selectedId && board.elements.get(selectedId);
  if (e && canEdit) {
    const before = snapshot([e.id]);
    update(e.id, { [field]: value });
    record(before);
  }
}

function showPeople(logins) {
  const items = logins.map((login) => {
    const li = document.createElement("li");
    li.textContent = login === root.dataset.user ? `${login} (you)` : login;
    return li;
  });
  peopleEl.replaceChildren(...items);
}

let notesKey = "";
function refreshNotes() {
  const notes = board.sorted().filter((e) => (e.type === "sticky" || e.type === "text") && e.text);
  const key = notes.map((e) => `${e.id}:${e.text}`).join("\n");
  if (key === notesKey) return;
  notesKey = key;
  notesEl.replaceChildren(...notes.map((e) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-like";
    button.textContent = e.text;
    button.dataset.id = e.id;
    button.addEventListener("click", () => showElement(e.id));
    li.append(button);
    return li;
  }));
}

function showElement(id) {
  const e = board.elements.get(id);
  if (!e) return;
  const b = bounds(e);
  view.x = canvas.clientWidth / 2 / view.zoom - (b.x + b.width / 2);
  view.y = canvas.clientHeight / 2 / view.zoom - (b.y + b.height / 2);
  selectedId = id;
  dirty = true;
  canvas.focus();
}

function fitView() {
  const elements = [...board.elements.values()];
  if (!elements.length) return;
  const boxes = elements.map(bounds);
  const minX = Math.min(...boxes.map((b) => b.x));
  const minY = Math.min(...boxes.map((b) => b.y));
  const maxX = Math.max(...boxes.map((b) => b.x + b.width));
  const maxY = Math.max(...boxes.map((b) => b.y + b.height));
  const zoom = Math.min(1, (canvas.clientWidth - 40) / Math.max(1, maxX - minX),
                        (canvas.clientHeight - 40) / Math.max(1, maxY - minY));
  view.zoom = Math.max(0.1, zoom);
  view.x = 20 / view.zoom - minX;
  view.y = 20 / view.zoom - minY;
  viewChanged();
}

function wire() {
  canvas.addEventListener("pointerdown", onPointerDown);
  // focus is ours to move (pointerdown focuses the canvas, a placed note its editor): the
  // mousedown that follows a pointer, or a finger's tap, must not take it back
  canvas.addEventListener("mousedown", (event) => event.preventDefault());
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointercancel", onPointerUp);
  canvas.addEventListener("dblclick", (event) => {
    const { sx, sy } = eventPoint(event);
    const p = toWorld(sx, sy);
    // inside an outlined shape counts too: that is where its label goes
    const hit = topmostAt(p.x, p.y) || board.sorted().reverse().find((e) => {
      const b = bounds(e);
      return LABELLED.has(e.type) && p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y &&
        p.y <= b.y + b.height;
    });
    if (hit) { selectedId = hit.id; editSelected(); }
  });
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const { sx, sy } = eventPoint(event);
    if (event.ctrlKey || event.metaKey) zoomAt(Math.exp(-event.deltaY / 300), sx, sy);
    else {
      view.x -= event.deltaX / view.zoom;
      view.y -= event.deltaY / view.zoom;
      dirty = true;
      placeEditor();
    }
  }, { passive: false });
  window.addEventListener("keydown", onKeyDown);
  window.addEventListener("keyup", (event) => { if (event.key === " ") spaceDown = false; });
  // buttons only: the canvas carries data-tool too (for its cursor), and aria-pressed is
  // not allowed there (axe: aria-allowed-attr, critical)
  root.querySelectorAll("button[data-tool]").forEach((b) => {
    b.addEventListener("click", () => setTool(b.dataset.tool));
  });
  const actions = {
    undo, redo, delete: deleteSelected,
    "zoom-in": () => zoomAt(1.2, canvas.clientWidth / 2, canvas.clientHeight / 2),
    "zoom-out": () => zoomAt(1 / 1.2, canvas.clientWidth / 2, canvas.clientHeight / 2),
    "zoom-reset": fitView,
  };
  root.querySelectorAll("[data-action]").forEach((b) => {
    b.addEventListener("click", () => actions[b.dataset.action]());
  });
  for (const [id, field, parse] of [["wb-stroke", "strokeColor", String],
                                    ["wb-fill", "backgroundColor", String],
                                    ["wb-width", "strokeWidth", Number]]) {
    const select = document.getElementById(id);
    if (select) select.addEventListener("change", () => applyStyle(field, parse(select.value)));
  }
  new ResizeObserver(resize).observe(canvas);
  window.addEventListener("beforeunload", (event) => {
    if (board.pending()) event.preventDefault();
  });
}

async function start() {
  wire();
  resize();
  requestAnimationFrame(frame);
  try {
    await board.load();
    fitView();
    statusEl.textContent = "Up to date";
  } catch (err) {
    statusEl.textContent = err.message;
  }
  board.start();
  root.dataset.ready = "true";
}

// For tests and the curious: the live state, read-only by convention.
window.whiteboard = { board, view };
start();
