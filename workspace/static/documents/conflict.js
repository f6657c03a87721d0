// Resolving a conflict without editing markers by hand: each clash the server marked in
// the text (between "<<<<<<< your version", "=======" and ">>>>>>> saved meanwhile") is
// shown side by side, with "Keep mine", "Keep theirs" and "Keep both"; each choice writes
// the chosen passage into the editor's text, which is the merged result. The markers stay
// editable by hand too, and "Start again" puts every clash back.

const CLASH = /^<<<<<<< your version\n([\s\S]*?)^=======\n([\s\S]*?)^>>>>>>> saved meanwhile(?:\n|$)/m;
const CLASHES = new RegExp(CLASH.source, "gm");

export function clashCount(text) {
  return (text.match(CLASHES) || []).length;
}

function pane(label, text) {
  const box = document.createElement("div");
  box.className = "clash-side";
  const heading = document.createElement("h4");
  heading.textContent = label;
  const pre = document.createElement("pre");
  pre.textContent = text || "(nothing)";
  pre.tabIndex = 0;
  box.append(heading, pre);
  return box;
}

export function resolveConflicts(section, textarea) {
  const original = textarea.value;
  const list = document.createElement("div");
  list.className = "clashes";
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "clash-status";
  const again = document.createElement("button");
  again.type = "button";
  again.textContent = "Start again";
  again.addEventListener("click", () => {
    textarea.value = original;
    changed();
  });
  section.append(status, list, again);
  const total = clashCount(original);

  function choose(index, which) {
    let seen = -1;
    textarea.value = textarea.value.replace(CLASHES, (all, mine, theirs) => {
      seen += 1;
      if (seen !== index) return all;
      return which === "mine" ? mine : which === "theirs" ? theirs : mine + theirs;
    });
    changed();
    (list.querySelector("button") || textarea).focus();
  }

  function changed() {
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function render() {
    list.replaceChildren();
    const left = [...textarea.value.matchAll(CLASHES)];
    const all = Math.max(total, left.length);
    status.textContent = left.length
      ? `${all - left.length} of ${all} clashes resolved. The text in the editor below is the merged result.`
      : `Every clash is resolved: check the merged text below and save it.`;
    left.forEach((match, index) => {
      const clash = document.createElement("section");
      clash.className = "clash";
      const heading = document.createElement("h3");
      heading.id = `clash-${index}`;
      heading.textContent = `Clash ${index + 1} of the ${left.length} left`;
      clash.setAttribute("aria-labelledby", heading.id);
      const sides = document.createElement("div");
      sides.className = "clash-sides";
      sides.append(pane("Yours", match[1]), pane("Saved meanwhile", match[2]));
      const actions = document.createElement("p");
      actions.className = "actions";
      for (const [which, label] of [["mine", "Keep mine"], ["theirs", "Keep theirs"],
                                    ["both", "Keep both"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.setAttribute("aria-describedby", heading.id);
        button.addEventListener("click", () => choose(index, which));
        actions.append(button);
      }
      clash.append(heading, sides, actions);
      list.append(clash);
    });
  }

  textarea.addEventListener("input", render);
  render();
}
