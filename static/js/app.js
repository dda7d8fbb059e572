// Desa100's own scripts. No inline scripts: the content security policy allows only this origin.
"use strict";

// htmx sends the CSRF token of the moment: signing in again (in another tab, after a session ended)
// rotates it, and the page's own copy would then be refused.
document.addEventListener("htmx:configRequest", (event) => {
  const token = (document.cookie.split("; ").find((part) => part.startsWith("csrftoken=")) || "").split("=")[1];
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

// Pages that leave Bootstrap's script out (the enrollment page, for its weight) still open and close
// the menu drawer (includes/menu.html): Bootstrap's CSS shows an .offcanvas-lg that has .show.
document.addEventListener("click", (event) => {
  if (window.bootstrap) return;
  const opener = event.target.closest('[data-bs-toggle="offcanvas"]');
  const closer = event.target.closest('[data-bs-dismiss="offcanvas"]');
  if (opener) document.querySelector(opener.dataset.bsTarget).classList.add("show");
  if (closer) closer.closest(".offcanvas-lg").classList.remove("show");
});

// Signing out forgets what the phone keeps for offline use: the enrollment page (static/js/sw.js),
// the worklist, the draft and the entries not yet sent. On a shared phone the next person must see
// none of it; entries not sent are named before they go. A deactivated account (the server says so
// in X-Desa100-Deactivated) forgets the same.
const forgetOfflineData = () => {
  if (window.caches) caches.delete("desa100-entry-v1");
  Object.keys(localStorage).filter((key) => key.startsWith("desa100:")).forEach((key) => localStorage.removeItem(key));
};
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-sign-out]")) return;
  const unsent = Object.keys(localStorage).filter((key) => key.startsWith("desa100:queue:"))
    .reduce((count, key) => { try { return count + JSON.parse(localStorage.getItem(key)).length; } catch { return count; } }, 0);
  if (unsent && form.dataset.unsent && !window.confirm(form.dataset.unsent.replace("%(count)s", unsent))) {
    event.preventDefault();
    return;
  }
  forgetOfflineData();
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.xhr && event.detail.xhr.getResponseHeader("X-Desa100-Deactivated")) forgetOfflineData();
});
window.desa100ForgetOfflineData = forgetOfflineData;

// <form data-confirm="Are you sure?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A picked village (<button data-pick-code data-pick-target="id_regions">) is added to its code list.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pick-code]");
  if (!button) return;
  const box = document.getElementById(button.dataset.pickTarget);
  const codes = box.value.split(/[\s,;]+/).filter(Boolean);
  if (!codes.includes(button.dataset.pickCode)) codes.push(button.dataset.pickCode);
  box.value = codes.join("\n");
  button.classList.add("active");
});

// Enter in a search-as-you-type box inside a form searches; it must not submit the form around it.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("input[hx-get]")) event.preventDefault();
});

// A saved "save and add another" answers with only its message (enrollment/views.py): empty the
// inputs for the next worker, keeping the chosen campaign and village, and put the cursor on the NIK.
document.addEventListener("enrollment-saved", (event) => {
  const form = document.getElementById("entry-form");
  if (!form) return;
  // The next worker is a new entry: a new key (Enrollment.entry_key), so it is not taken for this one.
  if (event.detail && event.detail.key) form.querySelector("[name=entry_key]").value = event.detail.key;
  // The village stays chosen: its radio (and search box) when the user picks from many villages.
  form.querySelectorAll("input:not([type=hidden]):not([name=quota]):not(#quota-search), textarea").forEach((input) => {
    if (input.type === "checkbox") input.checked = false;
    else input.value = "";
  });
  form.querySelectorAll("select:not(#id_quota)").forEach((select) => { select.selectedIndex = 0; });
  document.getElementById("nik-check").replaceChildren();
  // The village's slots left, as the server counted them after this save.
  const slots = event.detail && document.getElementById(`slots-${event.detail.quota}`);
  if (slots) slots.textContent = event.detail.slots;
  document.getElementById("id_nik").focus();
});

// A returning worker's NIK (enrollment/views.py nik_check) brings what the user's own area recorded
// for them: fill the inputs still empty, never over what the agent has typed.
document.addEventListener("htmx:afterSwap", (event) => {
  const data = event.detail.target.querySelector("#returning-worker");
  if (!data) return;
  Object.entries(JSON.parse(data.textContent)).forEach(([id, value]) => {
    const input = document.getElementById(id);
    if (!input || !value) return;
    const untouched = input.tagName === "SELECT" ? input.selectedIndex <= 0 || id.endsWith("_relationship") : input.value === "";
    if (untouched) input.value = value;
    const details = input.closest("details");
    if (details) details.open = true;
  });
});

// <input type="checkbox" data-select-all="selected">: tick or untick every "selected" box on the page.
document.addEventListener("change", (event) => {
  const name = event.target.dataset.selectAll;
  if (!name) return;
  document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
});

// <button data-print>: print the page (the village recap has an A4 print layout in app.css).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
