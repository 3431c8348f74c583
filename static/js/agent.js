// Progressive enhancement of the agent's ticket page and of file inputs; every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Canned replies: choosing one puts its text in the message box (and its status in the status box).
  const canned = document.getElementById("u-canned");
  const data = document.getElementById("canned-data");
  if (canned && data) {
    const replies = JSON.parse(data.textContent);
    const body = document.getElementById("u-body");
    const status = document.getElementById("u-status");
    const apply = document.getElementById("u-use-canned");
    if (apply) apply.hidden = true;
    canned.addEventListener("change", () => {
      const reply = replies[canned.value];
      if (!reply) return;
      body.value = body.value.trim() ? `${body.value.trimEnd()}\n\n${reply.body}` : reply.body;
      if (reply.status && status && Array.from(status.options).some((o) => o.value === reply.status)) {
        status.value = reply.status;
      }
      body.focus();
    });
  }

  // File inputs: a Swedish (page-language) button and the chosen files' names.
  document.querySelectorAll(".file-picker").forEach((picker) => {
    const input = picker.querySelector("input[type=file]");
    const names = picker.querySelector(".file-names");
    picker.classList.add("enhanced");
    input.addEventListener("change", () => {
      const files = Array.from(input.files).map((f) => f.name);
      names.textContent = files.length ? files.join(", ") : names.dataset.empty;
    });
  });

  // Keyboard shortcuts on the ticket page, never while typing in a field.
  const help = document.getElementById("shortcuts-help");
  if (!help) return;
  document.querySelectorAll(".shortcuts-open").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => help.showModal());
  });
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const choose = (value) => {
    const radio = document.querySelector(`input[name=kind][value=${value}]`);
    if (radio) radio.checked = true;
    const body = document.getElementById("u-body");
    if (body) body.focus();
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || help.open) return;
    const actions = {
      r: () => choose("public"),
      n: () => choose("internal"),
      t: () => { const take = document.querySelector("[data-shortcut=t]"); if (take) take.click(); },
      j: () => { const next = document.querySelector("a[data-shortcut=j]"); if (next) window.location = next.href; },
      "?": () => help.showModal(),
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });
});
