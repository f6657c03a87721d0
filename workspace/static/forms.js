// What every form page may need, loaded by form.pt: buttons that ask before they destroy
// (data-confirm), and the calendar's recurrence picker when the form has a rule field.

for (const button of document.querySelectorAll("[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}

const rule = document.querySelector('form input[name="rrule"]');
if (rule) {
  import("./calendar/recurrence.js").then(({enhance}) => enhance(rule.form));
}
