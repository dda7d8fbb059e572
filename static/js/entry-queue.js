// The enrollment page on a phone with a weak or absent connection: nothing typed is lost.
//
// - What is being typed is kept on the phone (the draft) until the server has the entry, so a reload,
//   a closed tab or a session that ended mid-entry loses nothing.
// - An entry that cannot be sent (offline, the network failed, the session ended) is checked here as
//   far as the phone can (required fields, the NIK and the birth date it holds, the campaign's ages)
//   and queued; the queue is sent in order when the connection returns, each entry with its key
//   (Enrollment.entry_key), so a retry never enrolls a worker twice.
// - What the server said stays by each entry: saved, on the reserve list, or refused with the reason,
//   the entry kept to fix and send again.
// Storage holds only the draft and the entries not yet accepted, under the signed-in user's id.
"use strict";

(() => {
  const page = document.getElementById("entry-queue");
  if (!page) return;
  const user = page.dataset.user;
  const texts = JSON.parse(document.getElementById("queue-texts").textContent);
  const DRAFT = `desa100:draft:${user}`;
  const QUEUE = `desa100:queue:${user}`;
  const sent = []; // accepted this visit: shown, not stored
  let sending = false;

  const entryForm = () => document.getElementById("entry-form");
  const load = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch { return fallback; }
  };
  const store = (key, value) => {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  };
  // crypto.randomUUID needs a secure context; over plain HTTP (a village office's LAN) build a v4
  // UUID from random bytes instead.
  const newKey = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const cookie = (name) => (document.cookie.split("; ").find((part) => part.startsWith(`${name}=`)) || "").split("=")[1] || "";
  const say = (text, kind) => {
    const box = document.getElementById("entry-messages");
    if (!box) return;
    const alert = document.createElement("div");
    alert.className = `alert alert-${kind}`;
    alert.setAttribute("role", "status");
    alert.textContent = text;
    box.replaceChildren(alert);
    alert.scrollIntoView({ block: "nearest" });
  };

  // The form's values, without the CSRF token (it is taken fresh when the entry is sent).
  const fieldsOf = (form) => [...new FormData(form).entries()]
    .filter(([name]) => name !== "csrfmiddlewaretoken" && name !== "q");
  const fill = (form, fields) => {
    const values = new Map();
    fields.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((input) => {
      if (input.name === "csrfmiddlewaretoken") return;
      const given = values.get(input.name) || [];
      if (input.type === "radio" || input.type === "checkbox") input.checked = given.includes(input.value);
      else if (given.length) input.value = given[0];
    });
  };
  const empty = (form) => {
    form.querySelectorAll("input:not([type=hidden]):not([name=quota]):not(#quota-search), textarea").forEach((input) => {
      if (input.type === "checkbox") input.checked = false;
      else input.value = "";
    });
    form.querySelectorAll("select").forEach((select) => { select.selectedIndex = 0; });
    form.querySelector("[name=entry_key]").value = newKey();
    const check = document.getElementById("nik-check");
    if (check) check.replaceChildren();
  };

  // The draft: saved on every keystroke, restored when the page opens again with an empty form.
  document.addEventListener("input", (event) => {
    const form = entryForm();
    if (form && form.contains(event.target)) store(DRAFT, fieldsOf(form));
  });
  document.addEventListener("change", (event) => {
    const form = entryForm();
    if (form && form.contains(event.target)) store(DRAFT, fieldsOf(form));
  });
  document.addEventListener("enrollment-saved", () => store(DRAFT, null));

  // What the phone can check before queueing: the same rules the server applies first.
  const problems = (form) => {
    const found = [];
    const radios = new Set();
    form.querySelectorAll("[required]").forEach((input) => {
      if (input.type === "radio") {
        if (radios.has(input.name)) return;
        radios.add(input.name);
        if (!form.querySelector(`[name="${input.name}"]:checked`)) found.push(`${labelOf(input)}: ${texts.required}`);
      } else if (input.type === "checkbox" ? !input.checked : !input.value.trim()) {
        found.push(`${labelOf(input)}: ${texts.required}`);
      }
    });
    const nik = (form.querySelector("[name=nik]").value || "").replace(/[\s.\-]/g, "");
    if (nik) {
      const born = birthDate(nik);
      if (!born) found.push(`NIK: ${texts.nik}`);
      else {
        const quota = form.querySelector("[name=quota]:checked");
        if (quota && quota.dataset.minAge) {
          const age = ageOn(born, new Date());
          if (age < Number(quota.dataset.minAge) || age > Number(quota.dataset.maxAge)) {
            found.push(texts.age.replace("%(age)s", age).replace("%(min)s", quota.dataset.minAge).replace("%(max)s", quota.dataset.maxAge));
          }
        }
      }
    }
    return found;
  };
  const labelOf = (input) => {
    const fieldset = input.type === "radio" && input.closest("fieldset");
    const label = fieldset ? fieldset.querySelector("legend") : document.querySelector(`label[for="${input.id}"]`);
    return label ? label.textContent.replace("*", "").trim() : input.name;
  };
  // A NIK's 7th to 12th digits: day (plus 40 for a woman), month, two-digit year.
  const birthDate = (nik) => {
    if (!/^\d{16}$/.test(nik)) return null;
    let day = Number(nik.slice(6, 8));
    const month = Number(nik.slice(8, 10));
    let year = 2000 + Number(nik.slice(10, 12));
    if (day > 40) day -= 40;
    if (year > new Date().getFullYear()) year -= 100;
    const date = new Date(year, month - 1, day);
    return date.getMonth() === month - 1 && date.getDate() === day ? date : null;
  };
  const ageOn = (born, today) => today.getFullYear() - born.getFullYear()
    - (today.getMonth() < born.getMonth() || (today.getMonth() === born.getMonth() && today.getDate() < born.getDate()) ? 1 : 0);

  // Keep an entry on the phone, then ready the form for the next worker (the village stays chosen).
  const enqueue = (form, why) => {
    const found = problems(form);
    if (found.length) {
      say(found.join(" · "), "danger");
      return false;
    }
    const fields = fieldsOf(form);
    const value = (name) => (fields.find(([field]) => field === name) || [])[1] || "";
    const queue = load(QUEUE, []);
    if (!queue.some((entry) => entry.key === value("entry_key"))) {
      queue.push({ key: value("entry_key"), name: value("full_name"), fields, state: "waiting", message: "" });
      store(QUEUE, queue);
    }
    store(DRAFT, null);
    empty(form);
    say(why, "warning");
    render();
    return true;
  };

  // No connection: the entry is queued instead of sent. The network failed or the session ended on
  // the way: the same, with the same key, so a request that did arrive is not enrolled twice.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = entryForm();
    if (event.detail.elt !== form || navigator.onLine) return;
    event.preventDefault();
    enqueue(form, texts.queued);
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (event.detail.elt === entryForm()) enqueue(entryForm(), texts.queued);
  });
  document.addEventListener("htmx:timeout", (event) => {
    if (event.detail.elt === entryForm()) enqueue(entryForm(), texts.queued);
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = entryForm();
    if (!form || !(form === event.detail.target || form.contains(event.detail.target))) return;
    if ((event.detail.xhr.responseURL || "").includes(page.dataset.login)) {
      event.detail.shouldSwap = false; // never the sign-in page inside the form
      // The entry itself was being sent: keep it. (The NIK check asking meanwhile changes nothing.)
      const sender = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (sender === form) enqueue(form, texts.signedOut);
      signInNotice(true);
    }
  });

  const signInNotice = (show) => {
    document.getElementById("queue-sign-in").hidden = !show;
  };

  // Send the queue, oldest first. A refusal stays on the phone with the reason; the rest go on.
  const flush = async () => {
    if (sending || !navigator.onLine) return;
    const queue = load(QUEUE, []);
    if (!queue.some((entry) => entry.state === "waiting")) return;
    sending = true;
    let accepted = 0;
    try {
      for (const entry of queue.filter((item) => item.state === "waiting")) {
        const body = new URLSearchParams(entry.fields);
        body.set("add_another", "1");
        let response;
        try {
          response = await fetch(page.dataset.action, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": cookie("csrftoken"), "X-Desa100-Queue": "1" },
          });
        } catch {
          return; // the connection went again: try later
        }
        if (response.headers.get("X-Desa100-Deactivated") && window.desa100ForgetOfflineData) {
          window.desa100ForgetOfflineData(); // the account was deactivated: nothing of it stays here
          return;
        }
        if (response.redirected && response.url.includes(page.dataset.login)) {
          signInNotice(true);
          return;
        }
        if (!response.ok) return; // the server is busy or the form is stale: try later
        const answer = await response.json();
        const current = load(QUEUE, []);
        const index = current.findIndex((item) => item.key === entry.key);
        if (answer.result === "refused") {
          if (index >= 0) Object.assign(current[index], { state: "attention", message: answer.message });
        } else {
          if (index >= 0) current.splice(index, 1);
          accepted += 1;
          sent.push({ name: entry.name, state: answer.result, message: answer.message });
          const slots = document.getElementById(`slots-${answer.quota}`);
          if (slots) slots.textContent = answer.slots;
        }
        store(QUEUE, current);
        render();
      }
      signInNotice(false);
    } finally {
      sending = false;
      if (accepted) say(texts.flushed, "success");
    }
  };

  // The list under the form: waiting, sent, needs attention, and what the server said.
  const render = () => {
    const queue = load(QUEUE, []);
    const list = document.getElementById("queue-list");
    const rows = [
      ...queue.map((entry) => ({ ...entry, label: entry.state === "waiting" ? texts.waiting : texts.attention })),
      ...sent.map((entry) => ({ ...entry, label: entry.state === "reserve" ? texts.reserve : texts.sent })),
    ];
    page.hidden = rows.length === 0;
    document.getElementById("queue-count").textContent = queue.length;
    list.replaceChildren(...rows.map((entry) => {
      const item = document.createElement("li");
      item.className = "list-group-item";
      item.dataset.state = entry.state;
      const head = document.createElement("div");
      head.className = "d-flex gap-2 align-items-baseline";
      const name = document.createElement("span");
      name.className = "fw-semibold me-auto";
      name.textContent = entry.name || "—";
      const badge = document.createElement("span");
      badge.className = `badge ${{ waiting: "text-bg-secondary", attention: "text-bg-danger", reserve: "text-bg-warning", saved: "text-bg-success" }[entry.state]}`;
      badge.textContent = entry.label;
      head.append(name, badge);
      item.append(head);
      if (entry.message) {
        const message = document.createElement("div");
        message.className = "small";
        message.textContent = entry.message;
        item.append(message);
      }
      if (entry.state === "attention") {
        const fix = document.createElement("button");
        fix.type = "button";
        fix.className = "btn btn-sm btn-outline-danger mt-1";
        fix.dataset.fix = entry.key;
        fix.textContent = texts.fix;
        item.append(fix);
      }
      return item;
    }));
  };

  // "Fix": the entry goes back into the form, with its key, and leaves the queue.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-fix]");
    if (button) {
      const queue = load(QUEUE, []);
      const entry = queue.find((item) => item.key === button.dataset.fix);
      if (!entry) return;
      fill(entryForm(), entry.fields);
      store(QUEUE, queue.filter((item) => item.key !== entry.key));
      store(DRAFT, entry.fields);
      say(entry.message, "danger");
      render();
      entryForm().scrollIntoView();
    }
    if (event.target.closest("#queue-send")) flush();
  });

  // On opening: what was being typed comes back, then the queue is sent if it can be. Opened from the
  // worklist for a person (#target=…, worklist.js fills the form), another person's draft stays away.
  const draft = load(DRAFT, null);
  const form = entryForm();
  const fromWorklist = window.location.hash.startsWith("#target=");
  if (draft && form && !fromWorklist && !form.querySelector("[name=nik]").value) {
    fill(form, draft);
    say(texts.restored, "info");
  }
  render();
  flush();
  window.addEventListener("online", flush);
  setInterval(flush, 20000);

  // The page itself opens without a connection once it has been opened with one (static/js/sw.js).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(page.dataset.worker).catch(() => {});
    navigator.serviceWorker.ready.then((registration) => {
      const assets = [...document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]")]
        .map((element) => element.href || element.src);
      registration.active.postMessage({ cache: assets });
    });
  }
})();
