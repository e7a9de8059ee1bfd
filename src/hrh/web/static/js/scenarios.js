// Scenario explorer: when a lever changes, fetch the chart and table for the form's values
// from /scenarios/fragment and swap them in; the address follows, so it shares the scenario.
(function () {
  "use strict";
  var form = document.getElementById("scenario-form");
  var target = document.getElementById("scenario-result");
  if (!form || !target || !window.fetch) {
    return;
  }
  var timer = null;
  var latest = 0;
  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      params.append(key, String(value));
    });
    return params.toString();
  }
  function update() {
    var q = query();
    var ticket = ++latest;
    target.setAttribute("aria-busy", "true");
    fetch("/scenarios/fragment?" + q, { credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, text: text };
        });
      })
      .then(function (result) {
        if (ticket !== latest) {
          return;
        }
        target.removeAttribute("aria-busy");
        if (result.ok) {
          target.innerHTML = result.text;
          window.history.replaceState(null, "", "/scenarios?" + q);
        }
      })
      .catch(function () {
        target.removeAttribute("aria-busy");
      });
  }
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
