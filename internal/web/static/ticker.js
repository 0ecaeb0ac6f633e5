// Live ticker: new headlines arrive over Server-Sent Events and are put at
// the top of the ticker. The page works without this file.
//
// A browser opens at most six connections to one host, and a stream holds
// one for as long as it is open. So a page closes its stream when it is
// left (pagehide) and resumes after the last headline it has when it comes
// back (pageshow); and the tabs of one browser share one stream: the tab
// that holds the "revue-ticker" Web Lock opens it and relays each headline
// to the other tabs over a BroadcastChannel. When that tab goes, the lock
// passes to another, which opens the stream where it had got to.
(function () {
  "use strict";
  var band = document.querySelector(".ticker[data-live]");
  if (!band || !window.EventSource) return;
  var list = band.querySelector(".ticker-list");
  var dot = band.querySelector(".live-dot");
  var max = 50;
  var refusedRetryMs = 30000; // the server's Retry-After when it refuses a stream
  var rtl = { ar: 1, fa: 1, ur: 1, he: 1, yi: 1, ps: 1, ckb: 1 };
  // The interface's language and locale (ar-MA: Latin digits, as the
  // server writes them); paths to pages keep its prefix (/ar, /es, /en).
  var uiLang = document.documentElement.lang || "fr";
  var uiDir = document.documentElement.dir || "ltr";
  var prefix = band.dataset.prefix || "";
  var dayMonth = new Intl.DateTimeFormat(band.dataset.locale || uiLang, { day: "numeric", month: "long" });
  var shared = !!(window.BroadcastChannel && navigator.locks && window.AbortController);
  // lastId is the newest article this page knows of: the stream resumes there.
  var lastId = Number(band.dataset.after) || 0;
  var channel = null, stream = null, retry = 0, leading = false, release = null, pending = null;

  // Same wording as the server's, taken from the catalog via data-*.
  function when(iso) {
    var d = new Date(iso), ago = (Date.now() - d.getTime()) / 60000;
    if (ago < 1) return band.dataset.now;
    if (ago < 60) return band.dataset.minutes.replace("{n}", Math.floor(ago));
    if (ago < 1440) return band.dataset.hours.replace("{n}", Math.floor(ago / 60));
    return dayMonth.format(d);
  }

  function item(h) {
    var li = document.createElement("li");
    li.className = "ticker-item is-new";
    li.lang = h.lang || "";
    li.dir = rtl[(h.lang || "").split("-")[0]] ? "rtl" : "auto";
    li.dataset.id = h.id;
    var a = document.createElement("a");
    a.className = "headline";
    a.href = prefix + h.url;
    a.textContent = h.title;
    var meta = document.createElement("span");
    meta.className = "meta";
    var src = document.createElement("bdi");
    src.className = "source";
    src.textContent = h.source;
    var time = document.createElement("time");
    time.dateTime = h.published_at;
    time.lang = uiLang;
    time.dir = uiDir;
    time.textContent = when(h.published_at);
    meta.append(src, " · ", time);
    li.append(a, " ", meta);
    return li;
  }

  // A headline read back from the ticker, to hand to a tab that lacks it.
  function headlineOf(li) {
    var a = li.querySelector(".headline"), src = li.querySelector(".source"), time = li.querySelector("time");
    return {
      id: Number(li.dataset.id), title: a ? a.textContent : "", url: a ? unprefixed(a.getAttribute("href")) : "",
      source: src ? src.textContent : "", lang: li.lang, published_at: time ? time.dateTime : ""
    };
  }

  // Headlines go between tabs as the stream sends them, without prefix:
  // another tab may speak another language.
  function unprefixed(href) {
    return prefix && href.indexOf(prefix + "/") === 0 ? href.slice(prefix.length) : href;
  }

  function show(h) {
    var id = Number(h && h.id);
    if (!(id > 0)) return;
    lastId = Math.max(lastId, id);
    if (list.querySelector('[data-id="' + id + '"]')) return;
    var empty = list.querySelector(".ticker-empty");
    if (empty) empty.remove();
    // Headlines handed over late go below newer ones already shown.
    var next = list.firstElementChild;
    while (next && Number(next.dataset.id) > id) next = next.nextElementSibling;
    // A reader at the start of the band sees the newcomer arrive there and
    // the band move toward its end (rightward in French, leftward in
    // Arabic); the browser would otherwise keep the old first headline in
    // view (scroll anchoring, snapping) and hide the new one off the edge.
    var atStart = Math.abs(list.scrollLeft) < 1;
    list.insertBefore(item(h), next);
    if (atStart) list.scrollLeft = 0;
    while (list.children.length > max) list.lastElementChild.remove();
  }

  function post(message) {
    if (channel) channel.postMessage(message);
  }

  function setLive(on) {
    if (dot) dot.hidden = !on;
    if (leading) post({ live: on });
  }

  function openStream() {
    var url = band.dataset.live + (lastId > 0 ? "?after=" + lastId : "");
    var source = stream = new EventSource(url);
    source.onopen = function () { setLive(true); };
    source.onerror = function () {
      setLive(false);
      // The browser reconnects by itself after a dropped stream, but not
      // after an error status such as the server's 429.
      if (source.readyState === EventSource.CLOSED && stream === source) {
        stream = null;
        retry = setTimeout(function () { retry = 0; if (leading) openStream(); }, refusedRetryMs);
      }
    };
    source.addEventListener("headline", function (e) {
      var h;
      try { h = JSON.parse(e.data); } catch (_) { return; }
      show(h);
      post({ headline: h });
    });
  }

  function lead() {
    leading = true;
    openStream();
    // Tabs that came while no tab led say what they lack.
    post({ leader: true });
  }

  function onMessage(e) {
    var m = e.data || {};
    if (m.headline) show(m.headline);
    if (typeof m.live === "boolean" && !leading) setLive(m.live);
    if (m.leader && !leading) post({ since: lastId });
    if (typeof m.since === "number" && leading) {
      var items = list.querySelectorAll(".ticker-item[data-id]");
      for (var i = items.length - 1; i >= 0; i--) {
        if (Number(items[i].dataset.id) > m.since) post({ headline: headlineOf(items[i]) });
      }
      post({ live: !!stream && stream.readyState === EventSource.OPEN });
    }
  }

  function start() {
    if (leading || channel) return;
    if (!shared) {
      lead();
      return;
    }
    channel = new BroadcastChannel("revue-ticker");
    channel.onmessage = onMessage;
    var request = pending = new AbortController();
    navigator.locks.request("revue-ticker", { signal: request.signal }, function () {
      if (pending !== request) return; // the page was left meanwhile
      lead();
      return new Promise(function (resolve) { release = resolve; });
    }).catch(function () { /* aborted: the page was left first */ });
    post({ since: lastId });
  }

  function stop() {
    if (stream) stream.close();
    if (retry) clearTimeout(retry);
    setLive(false);
    stream = null;
    retry = 0;
    leading = false;
    if (pending) pending.abort();
    pending = null;
    if (release) release();
    release = null;
    if (channel) channel.close();
    channel = null;
  }

  addEventListener("pagehide", stop);
  addEventListener("pageshow", function (e) { if (e.persisted) start(); });
  // A frozen tab runs no script: it must not keep the stream from the others.
  document.addEventListener("freeze", stop);
  document.addEventListener("resume", start);
  start();
})();
