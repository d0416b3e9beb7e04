// Rule book search: filters rules (and definitions, examples, parameters, choices,
// provisions) by rule id, reason code, citation or title. Plain JS, no dependencies.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) { return; }
  var status = document.getElementById("search-status");
  var noMatch = document.getElementById("no-match");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-search-group]"));
  var rules = items.filter(function (el) { return el.classList.contains("rule"); });

  function terms(text) {
    return text.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function apply() {
    var wanted = terms(box.value);
    var shownRules = 0;
    var shown = 0;
    items.forEach(function (el) {
      var text = el.getAttribute("data-search");
      var match = wanted.every(function (t) { return text.indexOf(t) !== -1; });
      el.hidden = !match;
      if (match) {
        shown += 1;
        if (el.classList.contains("rule")) { shownRules += 1; }
      }
    });
    groups.forEach(function (g) {
      g.hidden = wanted.length > 0 && !g.querySelector("[data-search]:not([hidden])");
    });
    if (wanted.length === 0) {
      status.textContent = rules.length + " rules";
    } else {
      status.textContent = shownRules + " of " + rules.length + " rules match" +
        (shown > shownRules ? " (and " + (shown - shownRules) + " other " +
          (shown - shownRules === 1 ? "entry" : "entries") + ")" : "");
    }
    noMatch.hidden = !(wanted.length > 0 && shown === 0);
    try {
      var url = new URL(window.location.href);
      if (wanted.length) { url.searchParams.set("q", box.value); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* file:// pages may refuse; the filter still works */ }
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
    if (el && el.hidden) { box.value = ""; apply(); el.scrollIntoView(); }
  }

  box.addEventListener("input", apply);
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { box.value = ""; apply(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== box) { ev.preventDefault(); box.focus(); }
  });
  window.addEventListener("hashchange", openTarget);

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { box.value = initial; }
  if (box.value) { apply(); }
  openTarget();
})();
