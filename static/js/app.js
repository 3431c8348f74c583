// Progressive enhancement only: every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, start keyboard and screen-reader users at the list of errors.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Narrow a <select> as the user types in its search box.
  document.querySelectorAll("[data-filter-select]").forEach((input) => {
    const select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    const options = Array.from(select.options).map((o) => ({ value: o.value, text: o.text }));
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      const current = select.value;
      select.replaceChildren(...options
        .filter((o) => o.value === "0" || !q || o.text.toLowerCase().includes(q))
        .map((o) => new Option(o.text, o.value, false, o.value === current)));
    });
    input.form.addEventListener("submit", (event) => { event.preventDefault(); select.focus(); });
  });
});
