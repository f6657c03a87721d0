// Name search as you type (issue 17): every <input data-name-search="URL"> asks URL
// (/api/people or /api/groups) for the first ten matches of what was typed and offers
// them in a <datalist>: a person picker fills in the login, the directory shows names.
// The page works without it (the form's own search, the login typed in full).
const DELAY_MS = 150;

function attach(input) {
  const list = document.createElement("datalist");
  list.id = input.getAttribute("list") || `${input.id || "names"}-found`;
  input.setAttribute("list", list.id);
  input.after(list);
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const typed = input.value.trim();
      if (typed.length < 2 || typed === asked) return;
      asked = typed;
      const url = `${input.dataset.nameSearch}?limit=10&q=${encodeURIComponent(typed)}`;
      try {
        const response = await fetch(url, {credentials: "same-origin",
                                           headers: {Accept: "application/json"}});
        if (!response.ok || asked !== typed) return;
        const found = await response.json();
        list.replaceChildren(...found.map((item) => {
          const option = document.createElement("option");
          option.value = input.dataset.nameValue === "name" ? (item.name || item.login)
                                                             : (item.login || item.id);
          option.label = item.name || item.title || "";
          return option;
        }));
      } catch (error) { /* offline: the form still works without suggestions */ }
    }, DELAY_MS);
  });
}

document.querySelectorAll("input[data-name-search]").forEach(attach);
