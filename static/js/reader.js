// Small enhancements; every page works without this file.
(function () {
  "use strict";

  // An image that fails to load leaves its reserved box with an "Image unavailable" placeholder.
  // A logo that fails is simply left out.
  function markFailed(img) {
    var frame = img.closest(".img-frame");
    if (frame) frame.classList.add("img-failed");
    else if (img.classList.contains("logo")) img.hidden = true;
  }
  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement) markFailed(event.target);
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
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
