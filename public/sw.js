// Dudao's service worker: keeps the app shell (index.html, Trunk's hashed JS, wasm and CSS, the
// icons and the manifest) in a versioned cache so that, after one online visit, the app starts
// with no network at all. This file is a template: public/gen-sw.sh (Trunk's post_build hook)
// fills in VERSION and PRECACHE from the staged build and writes dist/sw.js.
//
// What it never does:
//   - touch /api/*: the app keeps visits, photos and its outbox in IndexedDB and talks to the
//     server itself; a cached API answer would only ever be a stale one;
//   - switch versions on its own: a new version installs in the background and then waits; the
//     page shows 新版本可用 and posts {type: "SKIP_WAITING"} when the user taps 立即更新;
//   - delete a version's cache while an open page still runs that version (see cleanUp).
'use strict';

const VERSION = '__DUDAO_VERSION__';
const PRECACHE = __DUDAO_PRECACHE__;

const PREFIX = 'dudao-shell-';
const CACHE = PREFIX + VERSION;
// Bookkeeping, one small entry per key so two workers (the active one and a new one
// installing) never read-modify-write the same entry:
//   /__dudao/installed/<version>  when that version was installed (ms since 1970)
//   /__dudao/client/<client id>   the version whose index.html that page was given
const META = 'dudao-meta';
const metaKey = (kind, name) => `/__dudao/${kind}/${encodeURIComponent(name)}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // Recorded before the cache exists, so a cache without a record is a leftover.
    const meta = await caches.open(META);
    await meta.put(metaKey('installed', VERSION), new Response(String(Date.now())));
    const cache = await caches.open(CACHE);
    // no-cache: revalidate with the server, so a stale HTTP-cached index.html never lands here.
    // One missing file fails the install; the browser tries again on a later visit.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' })));
  })());
  // No skipWaiting() here: the open pages keep the version they started with until the user
  // chooses to switch. (The very first install activates at once: there is nothing to replace.)
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Take the open pages, so that the page that asked for the update gets `controllerchange`
    // and reloads, and a first visit works offline without a reload. Pages still running the
    // old version keep getting its files: fromCache() looks in every shell cache.
    await self.clients.claim();
    await cleanUpSoon();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  const reply = (body) => event.ports && event.ports[0] && event.ports[0].postMessage(body);
  if (data.type === 'SKIP_WAITING') {
    // Kept alive until the browser has taken the request (a worker stopped at once could drop it).
    event.waitUntil(self.skipWaiting());
  } else if (data.type === 'VERSION') {
    reply({ version: VERSION });
  } else if (data.type === 'HELLO') {
    // A page has started: a good moment to drop what pages that are gone were using.
    event.waitUntil(cleanUpSoon().then(() => reply({ version: VERSION })));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate' && isAppRoute(url.pathname)) {
    event.respondWith(openApp(event));
  } else {
    event.respondWith(fromCache(request));
  }
});

/** Like the server: a path whose last segment has no extension is a page of the app. */
function isAppRoute(pathname) {
  return !pathname.slice(pathname.lastIndexOf('/') + 1).includes('.');
}

/**
 * Every page of the app is this version's index.html, from the cache (cache-first: the version
 * a page runs is the version of the worker that opened it, and changes only through the update
 * flow). The page is remembered as running VERSION, which keeps this cache alive while it is open.
 */
async function openApp(event) {
  const own = await caches.match('/index.html', { cacheName: CACHE });
  if (own) {
    if (event.resultingClientId) {
      event.waitUntil(caches.open(META).then((meta) =>
        meta.put(metaKey('client', event.resultingClientId), new Response(VERSION))));
    }
    return own;
  }
  // Not installed yet (or installing failed): behave as if there were no worker. A page opened
  // this way has no record, so cleanUp keeps every cache while it is open.
  return (await caches.match('/index.html')) || fetch(event.request);
}

/** Hashed files never change, so any version's copy is right; this version's first. */
async function fromCache(request) {
  return (await caches.match(request, { cacheName: CACHE }))
    || (await caches.match(request))
    || fetch(request);
}

let cleaning = Promise.resolve();
/** Clean-ups run one after another within this worker. */
function cleanUpSoon() {
  cleaning = cleaning.then(cleanUp).catch((e) => console.warn('dudao sw: clean-up failed', e));
  return cleaning;
}

/**
 * Deletes the shell caches no open page needs. A page runs the version recorded for it when it
 * was opened (openApp); `clients.matchAll` says which pages are still open. A cache is deleted
 * only if
 *   - no open page was recorded with its version,
 *   - every open page has a record (a page opened before any worker, or whose record was not
 *     written, could be running anything: then nothing is deleted until it is closed), and
 *   - it was installed before this version: a newer one installing or waiting is not ours.
 * Records of pages that are gone are dropped on the way.
 */
async function cleanUp() {
  const meta = await caches.open(META);
  const installed = new Map();
  const records = new Map();
  for (const key of await meta.keys()) {
    const [, , kind, name] = new URL(key.url).pathname.split('/');
    const body = await (await meta.match(key)).text();
    if (kind === 'installed') installed.set(decodeURIComponent(name), Number(body));
    else if (kind === 'client') records.set(decodeURIComponent(name), { key, version: body });
  }
  const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const inUse = new Set([VERSION]);
  let unknown = false;
  for (const client of open) {
    const record = records.get(client.id);
    if (record) inUse.add(record.version);
    else unknown = true;
  }
  const openIds = new Set(open.map((c) => c.id));
  for (const [id, record] of records) {
    if (!openIds.has(id)) await meta.delete(record.key);
  }
  if (unknown) return;
  const mine = installed.has(VERSION) ? installed.get(VERSION) : Infinity;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX)) continue;
    const version = name.slice(PREFIX.length);
    if (inUse.has(version)) continue;
    if (installed.has(version) && installed.get(version) >= mine) continue;
    await caches.delete(name);
    await meta.delete(metaKey('installed', version));
    installed.delete(version);
  }
  // Records of older versions whose install never finished (their cache is gone or never was).
  const names = new Set(await caches.keys());
  for (const [version, at] of installed) {
    if (at < mine && !names.has(PREFIX + version)) await meta.delete(metaKey('installed', version));
  }
}
