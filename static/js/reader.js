// Small enhancements; every page works without this file (and it runs no inline script).
(function () {
  "use strict";

  // An image that fails to load is taken out of the page, with the box reserved for it.
  // A logo that fails is simply left out.
  function markFailed(img) {
    var frame = img.closest(".img-frame");
    if (frame) frame.classList.add("img-failed");
    else if (img.classList.contains("logo")) img.hidden = true;
  }
  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement) markFailed(event.target);
  }, true);

  // Keyboard shortcuts on article lists: j / k next and previous article, o (or Enter on it)
  // opens it, / goes to the search box, ? shows this list. Off while typing in a field.
  var SHORTCUTS = [
    ["j", "Next article"],
    ["k", "Previous article"],
    ["o", "Open the current article"],
    ["/", "Search"],
    ["?", "Show or hide these shortcuts"],
  ];
  var current = -1;

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll(".cards .card"));
  }

  function select(index) {
    var list = cards();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (card, i) { card.classList.toggle("card--current", i === current); });
    var link = list[current].querySelector(".card__title a");
    if (link) link.focus();
  }

  function helpDialog() {
    var dialog = document.getElementById("shortcut-help");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "shortcut-help";
    dialog.className = "shortcut-help";
    dialog.setAttribute("aria-labelledby", "shortcut-help-title");
    var title = document.createElement("h2");
    title.id = "shortcut-help-title";
    title.textContent = "Keyboard shortcuts";
    var list = document.createElement("dl");
    SHORTCUTS.forEach(function (pair) {
      var key = document.createElement("dt");
      var kbd = document.createElement("kbd");
      kbd.textContent = pair[0];
      key.appendChild(kbd);
      var what = document.createElement("dd");
      what.textContent = pair[1];
      list.appendChild(key);
      list.appendChild(what);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(title);
    dialog.appendChild(list);
    dialog.appendChild(close);
    document.body.appendChild(dialog);
    return dialog;
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target)) return;
    var help = document.getElementById("shortcut-help");
    if (help && help.open && event.key !== "?") return;
    var list = cards();
    if (event.key === "?") {
      var dialog = helpDialog();
      if (dialog.open) dialog.close(); else dialog.showModal();
    } else if (event.key === "/") {
      var box = document.getElementById("site-search-q");
      if (!box) return;
      box.focus();
      box.select();
    } else if (event.key === "j" && list.length) {
      select(current + 1);
    } else if (event.key === "k" && list.length) {
      select(current < 0 ? 0 : current - 1);
    } else if (event.key === "o" && list.length && current >= 0) {
      var link = list[current].querySelector(".card__title a");
      if (link) window.location.assign(link.href);
    } else {
      return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".shortcut-hint").forEach(function (hint) { hint.hidden = false; });
    document.querySelectorAll(".img-frame img, img.logo").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) markFailed(img);
    });

    // On a phone, the filters start folded so the results come first (unless a field needs fixing).
    var panel = document.querySelector(".filters-panel");
    if (panel && window.matchMedia("(max-width: 59.99rem)").matches &&
        !panel.querySelector("[aria-invalid='true'], .field-error")) {
      panel.open = false;
    }
  });
})();
