// Live ticker: new headlines arrive over Server-Sent Events and are put at
// the top of the ticker. The page works without this file.
(function () {
  "use strict";
  var band = document.querySelector(".ticker[data-live]");
  if (!band || !window.EventSource) return;
  var list = band.querySelector(".ticker-list");
  var max = 50;
  var rtl = { ar: 1, fa: 1, ur: 1, he: 1, yi: 1, ps: 1, ckb: 1 };
  var dayMonth = new Intl.DateTimeFormat("fr", { day: "numeric", month: "long" });

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
    a.href = h.url;
    a.textContent = h.title;
    var meta = document.createElement("span");
    meta.className = "meta";
    var src = document.createElement("bdi");
    src.className = "source";
    src.textContent = h.source;
    var time = document.createElement("time");
    time.dateTime = h.published_at;
    time.lang = "fr";
    time.dir = "ltr";
    time.textContent = when(h.published_at);
    meta.append(src, " · ", time);
    li.append(a, " ", meta);
    return li;
  }

  var url = band.dataset.live;
  if (band.dataset.after && band.dataset.after !== "0") url += "?after=" + encodeURIComponent(band.dataset.after);
  var source = new EventSource(url);
  var dot = band.querySelector(".live-dot");
  source.onopen = function () { if (dot) dot.hidden = false; };
  source.onerror = function () { if (dot) dot.hidden = true; };
  source.addEventListener("headline", function (e) {
    var h;
    try { h = JSON.parse(e.data); } catch (_) { return; }
    if (list.querySelector('[data-id="' + Number(h.id) + '"]')) return;
    var empty = list.querySelector(".ticker-empty");
    if (empty) empty.remove();
    list.prepend(item(h));
    while (list.children.length > max) list.lastElementChild.remove();
  });
})();
