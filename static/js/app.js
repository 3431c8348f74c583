// Progressive enhancement only: every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, start keyboard and screen-reader users at the list of errors.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Narrow a <select> as the user types in its search box.
  document.querySelectorAll("[data-filter-select]").forEach((input) => {
    const select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    // Options may carry data-search (name, keywords, description) and data-description.
    const options = Array.from(select.options).map((o) => o.cloneNode(true));
    const result = document.getElementById("system-search-result");
    const description = document.getElementById("system-description");
    const describe = () => {
      if (!description) return;
      const chosen = select.options[select.selectedIndex];
      description.textContent = (chosen && chosen.dataset.description) || "";
    };
    select.addEventListener("change", describe);
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const current = select.value;
      const kept = options.filter((o) => o.value === "0" || words.every(
        (w) => (o.dataset.search || o.text.toLowerCase()).includes(w)));
      select.replaceChildren(...kept.map((o) => { const c = o.cloneNode(true); c.selected = o.value === current; return c; }));
      if (result) result.textContent = words.length && kept.length <= 1 ? result.dataset.none : "";
      describe();
    });
    input.form.addEventListener("submit", (event) => { event.preventDefault(); select.focus(); });
  });
});
