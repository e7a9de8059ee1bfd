// Draws the line charts with Vega (vendored vega, vega-lite and vega-embed), in Vega's CSP-safe
// mode: expressions are parsed to an AST and run by vega-interpreter (bundled in vega-embed), so
// nothing is compiled with eval or new Function and the page keeps script-src 'self'.
//
// A chart is a <figure data-vega-chart> holding its Vega-Lite spec as JSON in its
// data-vega-spec attribute (data, never executed; htmx drops <script> elements from swapped
// content, so the spec is not in a JSON script block) and a .chart-view element to draw in. Charts that arrive later (the profile's projection, the scenario explorer's
// result, both swapped in by htmx) are drawn too: on htmx's "htmx:load" event and, for any
// other insertion, through a MutationObserver. Each figure is drawn once (data-vega-state).
// If Vega fails, the server's drawing of the same spec (the figure's data-fallback, an SVG)
// is shown instead; the page never depends on this script.
(function () {
  "use strict";

  var SELECTOR = "figure[data-vega-chart]";
  // the drawn views, finalized (listeners and timers removed) once htmx has swapped them out
  var drawn = [];

  function forgetRemoved() {
    drawn = drawn.filter(function (entry) {
      if (entry.figure.isConnected) {
        return true;
      }
      entry.result.finalize();
      return false;
    });
  }

  function fallback(figure) {
    var view = figure.querySelector(".chart-view");
    var href = figure.getAttribute("data-fallback");
    if (!view || !href || view.querySelector("img")) {
      return;
    }
    var img = document.createElement("img");
    img.className = "chart-image";
    img.src = href;
    try {
      var parsed = JSON.parse(figure.getAttribute("data-vega-spec"));
      img.alt = (parsed.title && parsed.title.text ? parsed.title.text + ". " : "") + (parsed.description || "");
    } catch (err) {
      img.alt = "";
    }
    view.replaceChildren(img);
  }

  function draw(figure) {
    if (figure.hasAttribute("data-vega-state")) {
      return;
    }
    figure.setAttribute("data-vega-state", "drawing");
    var view = figure.querySelector(".chart-view");
    var spec;
    try {
      spec = JSON.parse(figure.getAttribute("data-vega-spec"));
    } catch (err) {
      figure.setAttribute("data-vega-state", "failed");
      fallback(figure);
      return;
    }
    if (typeof window.vegaEmbed !== "function" || !view) {
      figure.setAttribute("data-vega-state", "failed");
      fallback(figure);
      return;
    }
    var meta = (spec.usermeta && spec.usermeta.embedOptions) || {};
    window
      .vegaEmbed(view, spec, {
        renderer: "svg",
        actions: false,
        // CSP-safe: no eval, no new Function (vega-embed passes vega-interpreter as `expr`)
        ast: true,
        // no <style> element injected (style-src 'self'): the rules are in /static/hrh.css
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
        formatLocale: meta.formatLocale,
        logLevel: 0,
      })
      .then(function (result) {
        figure.setAttribute("data-vega-state", "drawn");
        drawn.push({ figure: figure, result: result });
      })
      .catch(function (err) {
        figure.setAttribute("data-vega-state", "failed");
        figure.setAttribute("data-vega-error", String(err && err.message ? err.message : err));
        fallback(figure);
      });
  }

  function drawIn(root) {
    if (!root || root.nodeType !== 1) {
      return;
    }
    if (root.matches(SELECTOR)) {
      draw(root);
    }
    root.querySelectorAll(SELECTOR).forEach(draw);
  }

  function start() {
    drawIn(document.body);
    document.addEventListener("htmx:load", function (event) {
      drawIn(event.detail && event.detail.elt);
    });
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(drawIn);
      });
      forgetRemoved();
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
