/* Keyboard shortcuts for the review pages: a progressive enhancement, every action is
   also a plain link or form button. j/k next/previous, Enter/o open, c/d/e/r verdicts,
   / search. Keys are ignored while typing in a field. No data from the page is ever
   turned into markup or code here. */
(function () {
  "use strict";

  function typing(target) {
    if (!target) { return false; }
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.queue-row")); }

  function select(delta) {
    var all = rows();
    if (!all.length) { return false; }
    var current = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = current < 0 ? 0 : Math.min(all.length - 1, Math.max(0, current + delta));
    if (current >= 0) { all[current].classList.remove("selected"); }
    all[next].classList.add("selected");
    var link = all[next].querySelector("a.advert-link");
    if (link) { link.focus(); }
    all[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function follow(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }

  function open() {
    var row = document.querySelector("tr.queue-row.selected a.advert-link") || document.querySelector("tr.queue-row a.advert-link");
    if (row) { row.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    var done = false;
    var hasRows = rows().length > 0;
    if (key === "/") {
      var box = document.getElementById("global-search");
      if (box) { box.focus(); done = true; }
    } else if (key === "j") {
      done = hasRows ? select(1) : follow("a[rel=next]");
    } else if (key === "k") {
      done = hasRows ? select(-1) : follow("a[rel=prev]");
    } else if (key === "o" || (key === "Enter" && hasRows && event.target === document.body)) {
      done = open();
    } else if (key === "c" || key === "d" || key === "e" || key === "r") {
      done = follow("button[data-key=" + key + "]");
    }
    if (done) { event.preventDefault(); }
  });
}());
