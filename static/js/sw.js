// Desa100's service worker: the enrollment page and the agent's worklist open without a connection
// once they have been opened with one. Only those pages and the site's own static files are kept;
// every other request, and every POST, goes to the network as usual (the entry queue in
// entry-queue.js handles sending; worklist.js keeps the worklist's people for the form).
"use strict";

const params = new URL(self.location.href).searchParams;
const ENTRY = params.get("entry") || "/enrollments/new/";
const STATIC = params.get("static") || "/static/";
const PAGES = [ENTRY, params.get("worklist") || "/targets/worklist/"];
const CACHE = "desa100-entry-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page lists what it needs (its styles and scripts) once the worker is ready.
self.addEventListener("message", (event) => {
  if (event.data && Array.isArray(event.data.cache)) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(event.data.cache)).catch(() => {}));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC)) {
    // From the phone at once; refreshed in the background for the next time.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((hit) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      return hit || fresh;
    })));
  } else if (request.mode === "navigate" && PAGES.includes(url.pathname)) {
    // From the network when there is one (and kept); from the phone when there is not. The worklist
    // is kept as last seen without a search: a search's page would hide the rest of the village.
    const kept = url.pathname;
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && !response.redirected && (kept === ENTRY || !url.search)) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(kept, copy));
      }
      return response;
    }).catch(() => caches.match(kept).then((hit) => hit || Response.error())));
  }
});
