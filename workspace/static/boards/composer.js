// The reply composer's extras (static/editor.js gives it the toolbar, the preview and the
// draft kept in the browser): typing "@" and the start of a login offers the group's
// members by name (arrows to move, Enter or Tab to choose, Escape to close), and "Quote"
// under a post puts its text into the reply as a Markdown quote.

const composer = document.querySelector(".composer[data-mentions-url]");
const textarea = composer?.querySelector("textarea");
const AT = /(^|[\s(>])@([a-z0-9-]{0,64})$/;

function mentions() {
  const list = document.createElement("ul");
  list.id = "mention-list";
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Members to mention");
  list.hidden = true;
  textarea.after(list);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", list.id);
  let options = [], active = -1, asked = 0, timer = null;

  const close = () => {
    list.hidden = true;
    options = [];
    textarea.removeAttribute("aria-activedescendant");
  };
  const mark = (index) => {
    active = index;
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
    if (options[index]) textarea.setAttribute("aria-activedescendant", options[index].id);
  };
  const choose = (login) => {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = before.match(AT);
    if (!match) return close();
    const start = before.length - match[2].length;
    textarea.setRangeText(`${login} `, start, textarea.selectionStart, "end");
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
    close();
    textarea.focus();
  };
  const ask = async (prefix) => {
    const ticket = ++asked;
    const url = `${composer.dataset.mentionsUrl}?q=${encodeURIComponent(prefix)}`;
    try {
      const response = await fetch(url, {credentials: "same-origin"});
      const people = response.ok ? await response.json() : [];
      if (ticket !== asked) return;
      list.replaceChildren();
      options = people.map((person, i) => {
        const option = document.createElement("li");
        option.id = `mention-${i}`;
        option.setAttribute("role", "option");
        option.textContent = `${person.name} (@${person.login})`;
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(person.login);
        });
        option.dataset.login = person.login;
        list.append(option);
        return option;
      });
      list.hidden = !options.length;
      mark(options.length ? 0 : -1);
    } catch (error) { close(); }
  };

  textarea.addEventListener("input", () => {
    const match = textarea.value.slice(0, textarea.selectionStart).match(AT);
    clearTimeout(timer);
    if (!match) return close();
    timer = setTimeout(() => ask(match[2]), 150);
  });
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      mark((active + step + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (options[active]) {
        event.preventDefault();
        choose(options[active].dataset.login);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  textarea.addEventListener("blur", () => setTimeout(close, 150));
}

function quotes() {
  for (const post of document.querySelectorAll(".post[data-author]")) {
    const actions = post.querySelector(".quote-actions");
    const body = post.querySelector(".content-html");
    if (!actions || !body) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = "Quote";
    const who = post.dataset.authorName || post.dataset.author;
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = ` ${who}'s post`;
    button.append(label);
    button.addEventListener("click", () => {
      const quoted = body.innerText.trim().split("\n").map((line) => `> ${line}`).join("\n");
      const text = `@${post.dataset.author} wrote:\n${quoted}\n\n`;
      const at = textarea.selectionStart;
      textarea.setRangeText((at && !textarea.value.slice(0, at).endsWith("\n\n") ? "\n\n" : "")
                            + text, at, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
      textarea.focus();
    });
    actions.append(button);
  }
}

if (composer && textarea) {
  mentions();
  quotes();
}
