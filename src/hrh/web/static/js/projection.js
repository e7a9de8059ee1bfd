// Country profile: load the baseline projection (slow to compute the first time) after the
// page, from /countries/{iso3}/projection/fragment; without JavaScript the link stays.
(function () {
  "use strict";
  var target = document.getElementById("projection-result");
  if (!target || !window.fetch) {
    return;
  }
  var url = target.getAttribute("data-src");
  if (!url) {
    return;
  }
  target.setAttribute("aria-busy", "true");
  fetch(url, { credentials: "same-origin" })
    .then(function (response) {
      return response.text().then(function (text) {
        return { ok: response.ok, text: text };
      });
    })
    .then(function (result) {
      target.removeAttribute("aria-busy");
      if (result.ok) {
        target.innerHTML = result.text;
      }
    })
    .catch(function () {
      target.removeAttribute("aria-busy");
    });
})();
