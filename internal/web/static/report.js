// Reports in place: a report link under an image opens the report form
// right there, sends it without leaving the page, and shows the answer in
// its place; when the report blocked the picture, every copy on the page
// gives way to the placeholder. Without this file the link leads to the
// same form on a page of its own.
(function () {
  "use strict";
  var template = document.getElementById("report-form-template");
  if (!template || !window.fetch || !window.URLSearchParams) return;
  var notice = template.dataset.notice;
  var failed = template.dataset.failed;

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.report-link[data-image]");
    if (!link) return;
    e.preventDefault();
    open(link);
  });

  function open(link) {
    var next = link.nextElementSibling;
    if (next && next.classList.contains("report-box")) {
      next.querySelector("select").focus();
      return;
    }
    var box = template.content.firstElementChild.cloneNode(true);
    var form = box.querySelector("form");
    // The link's own path keeps the interface language's prefix, so the
    // answer comes in the reader's language.
    form.action = link.pathname;
    form.elements.from.value = location.pathname;
    link.after(box);
    link.setAttribute("aria-expanded", "true");
    box.querySelector(".report-cancel").addEventListener("click", function () {
      box.remove();
      link.setAttribute("aria-expanded", "false");
      link.focus();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(link, box, form);
    });
    form.elements.reason.focus();
  }

  function say(where, text, refused) {
    var p = document.createElement("span");
    p.className = "report-message" + (refused ? " is-refused" : "");
    p.setAttribute("role", "status");
    p.lang = document.documentElement.lang || "fr";
    p.textContent = text;
    where.replaceWith(p);
    return p;
  }

  function send(link, box, form) {
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().then(function (answer) { return { ok: resp.ok, answer: answer }; });
    }).then(function (res) {
      box.remove();
      say(link, res.ok ? res.answer.message : (res.answer.error || failed), !res.ok);
      if (res.ok && res.answer.status === "blocked") hide(res.answer.image_id);
    }).catch(function () {
      button.disabled = false;
      var old = box.querySelector(".report-message");
      var p = document.createElement("span");
      if (old) old.remove();
      box.prepend(p);
      say(p, failed, true);
    });
  }

  // hide puts the placeholder in the place of every copy of image id.
  function hide(id) {
    var images = document.querySelectorAll('img[src="/images/' + Number(id) + '"]');
    for (var i = 0; i < images.length; i++) {
      var span = document.createElement("span");
      span.className = "image-blocked";
      span.setAttribute("role", "img");
      span.setAttribute("aria-label", notice);
      span.textContent = notice;
      images[i].replaceWith(span);
    }
  }
})();
