// The agent's worklist on the phone: the village's people still to reach, kept so that the entry
// page, opened from the worklist (#target=<id>) with or without a connection, is filled with what
// the list knows (NIK, name, KK, birth date, sex). Only the agent's own village and only those fields
// are kept, under the user's id; signing out and a deactivated account clear it (app.js).
"use strict";

(() => {
  const KEY = (user) => `desa100:worklist:${user}`;

  // On the worklist page: refresh what the phone keeps.
  const source = document.getElementById("worklist");
  if (source) {
    fetch(source.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data) localStorage.setItem(KEY(source.dataset.user), JSON.stringify(data.people));
      })
      .catch(() => {}); // offline: the list kept last time stays
    // The worklist opens without a connection too (static/js/sw.js), for agents.
    if (source.dataset.worker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(source.dataset.worker).catch(() => {});
      navigator.serviceWorker.ready.then((registration) => {
        const assets = [...document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]")]
          .map((element) => element.href || element.src);
        registration.active.postMessage({ cache: assets });
      });
    }
  }

  // On the entry page: fill the form from the person picked on the worklist.
  const queue = document.getElementById("entry-queue");
  const wanted = /^#target=(\d+)$/.exec(window.location.hash);
  if (!queue || !wanted) return;
  let people = [];
  try { people = JSON.parse(localStorage.getItem(KEY(queue.dataset.user))) || []; } catch { people = []; }
  const person = people.find((one) => String(one.id) === wanted[1]);
  if (!person) return;
  const values = {
    id_nik: person.nik, id_full_name: person.name, id_kk_number: person.kk,
    id_birth_date: person.born, id_sex: person.sex,
  };
  Object.entries(values).forEach(([id, value]) => {
    const input = document.getElementById(id);
    if (input && value && !input.value) input.value = value;
  });
  // The NIK check runs as if typed: the campaign's rules speak before the agent types the rest.
  const nik = document.getElementById("id_nik");
  if (nik) nik.dispatchEvent(new Event("input", { bubbles: true }));
  history.replaceState(null, "", window.location.pathname + window.location.search);
})();
