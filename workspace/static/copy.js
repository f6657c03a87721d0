// "Copy" buttons beside secrets shown once (a calendar feed address, an API token): the
// button copies the text of the element its data-copy names, and says so.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const said = document.getElementById(button.dataset.copy + "-copied");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      said.textContent = "Copied.";
    } catch (error) {
      getSelection().selectAllChildren(source); // copying refused: select it for Ctrl+C
      said.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    }
  });
}
