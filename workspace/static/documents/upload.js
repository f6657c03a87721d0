// Several files at once, chosen or dropped on the Documents page: each is sent as its own
// upload to the JSON API (as the upload form would, one version 1 each), and the page says
// how each went. Without scripts the page offers the one-file upload form instead.

const zone = document.querySelector(".dropzone[data-upload-url]");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function send(file, list) {
  const item = document.createElement("li");
  item.textContent = `${file.name}: uploading…`;
  list.append(item);
  const body = new FormData();
  body.append("file", file, file.name);
  try {
    const response = await fetch(zone.dataset.uploadUrl, {
      method: "POST", body, credentials: "same-origin", headers: {"X-CSRF-Token": csrf}});
    if (response.ok) {
      item.textContent = `${file.name}: uploaded.`;
      return true;
    }
    const answer = await response.json().catch(() => ({}));
    item.textContent = `${file.name}: not uploaded. ${response.status === 413
      ? "It is over the upload limit." : answer.message || `The server said ${response.status}.`}`;
  } catch (error) {
    item.textContent = `${file.name}: not uploaded; the site could not be reached.`;
  }
  item.className = "error";
  return false;
}

async function sendAll(files) {
  const list = zone.querySelector(".upload-results");
  list.replaceChildren();
  let good = 0;
  for (const file of files) good += await send(file, list) ? 1 : 0;
  const status = zone.querySelector(".upload-status");
  status.textContent = `${good} of ${files.length} ${files.length === 1 ? "file" : "files"} uploaded.`;
  if (good === files.length) setTimeout(() => location.reload(), 800); // the list shows them
}

if (zone) {
  zone.hidden = false;
  const input = zone.querySelector('input[type="file"]');
  input.addEventListener("change", () => input.files.length && sendAll([...input.files]));
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = [...(event.dataTransfer?.files || [])];
    if (files.length) sendAll(files);
  });
}
