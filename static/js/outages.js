// Progressive enhancement for outages and the knowledge base; every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The report form: show known faults and articles as soon as a system is picked or words are typed.
  const form = document.querySelector("form[data-report-form]");
  if (form) {
    const select = form.querySelector("#system_id");
    const subject = form.querySelector("#subject");
    const description = form.querySelector("#description");
    const seen = form.querySelector("input[name=seen_hints]");
    let timer = null;
    let asked = "";
    const refresh = async () => {
      const params = new URLSearchParams({
        system_id: select ? select.value : "",
        q: `${subject ? subject.value : ""} ${description ? description.value : ""}`.trim(),
      });
      if (params.toString() === asked) return;
      asked = params.toString();
      try {
        const response = await fetch(`${form.dataset.hintsUrl}?${params}`, { credentials: "same-origin" });
        if (!response.ok) return;
        const holder = document.getElementById("report-hints");
        if (!holder) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("report-hints");
        if (!fresh) return;
        holder.replaceChildren(...fresh.childNodes);
        // What the employee has seen here need not be shown again as a confirmation step.
        if (seen && holder.querySelector("section")) seen.value = "1";
      } catch (error) {
        // Offline or the server refused: the form still works, the hints come after the first submit.
      }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 500); };
    if (select) select.addEventListener("change", refresh);
    if (subject) subject.addEventListener("input", later);
    if (description) description.addEventListener("input", later);
  }

  // The agent's reply form: insert an article's link or text where the cursor is.
  document.querySelectorAll("form[data-kb-insert]").forEach((insert) => {
    insert.addEventListener("submit", async (event) => {
      const target = document.getElementById(insert.dataset.target);
      const article = insert.querySelector("select").value;
      if (!target || !article) return;
      event.preventDefault();
      const mode = event.submitter ? event.submitter.value : "link";
      const url = insert.dataset.plainUrl.replace(/\/0\/plain$/, `/${article}/plain`);
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const text = mode === "text" ? `${data.title}\n\n${data.text}\n\n${data.url}` : `${data.title}: ${data.url}`;
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? target.value.length;
      target.value = `${target.value.slice(0, start)}${text}${target.value.slice(end)}`;
      target.focus();
    });
  });
});
