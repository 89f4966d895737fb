// Everything by keyboard.
//
// - The Plotly toolbars leave the tab order (seven buttons per graph); the
//   dendrogram has keys of its own instead.
// - The aids tabs (dcc.Tab renders plain divs) and the "Copy" code button
//   (dcc.Clipboard renders a div) become focusable and work with Enter or
//   Space; the left and right arrow keys move between tabs.
// - The dendrogram takes focus: ArrowUp / ArrowDown move the cut to the
//   next merge height (one cluster fewer / more), + zooms into the larger
//   branch and - one level out, Escape or 0 shows the whole tree.
(function () {
  const DENDROGRAM = "dendrogram";
  const PICK_STORE = "aids-pick-store"; // callbacks/cut.py: a picked k (here from the keyboard)
  const ZOOM_STORE = "zoom-store"; // callbacks/zoom.py
  const HELP =
    "Dendrogram. Arrow up or down moves the cut by one merge (one cluster fewer or more); " +
    "plus zooms into the larger branch, minus one level out; Escape or 0 shows the whole tree.";

  function operable(element, role) {
    if (element.dataset.keyboard) {
      return;
    }
    element.dataset.keyboard = "1";
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", role);
  }

  function prepare(root) {
    root.querySelectorAll(".modebar-btn").forEach((button) => button.setAttribute("tabindex", "-1"));
    root.querySelectorAll(".tab-container").forEach((list) => list.setAttribute("role", "tablist"));
    root.querySelectorAll(".tab-container .tab").forEach((tab) => {
      operable(tab, "tab");
      tab.setAttribute("aria-selected", tab.classList.contains("tab--selected") ? "true" : "false");
    });
    root.querySelectorAll(".copy-button").forEach((button) => operable(button, "button"));
    const dendrogram = document.getElementById(DENDROGRAM);
    if (dendrogram && !dendrogram.dataset.keyboard) {
      dendrogram.dataset.keyboard = "1";
      dendrogram.setAttribute("tabindex", "0");
      dendrogram.setAttribute("role", "application");
      dendrogram.setAttribute("aria-label", HELP);
    }
  }

  let scheduled = false;
  new MutationObserver(() => {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(() => {
        scheduled = false;
        prepare(document);
      });
    }
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  });

  function plot() {
    return document.querySelector("#" + DENDROGRAM + " .js-plotly-plot");
  }

  function stepCut(direction) {
    const box = document.getElementById("n-clusters");
    const k = parseInt(box && box.value, 10);
    if (!Number.isInteger(k)) {
      return;
    }
    const next = k + direction;
    if (next >= 1 && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(PICK_STORE, { data: { k: next, aid: "keyboard", t: Date.now() } });
    }
  }

  function zoom(step) {
    // One branch in (the larger child) or out (the parent), for the server to re-truncate (callbacks/zoom.py).
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(ZOOM_STORE, { data: { step: step, t: Date.now() } });
    }
  }

  function wholeTree() {
    const gd = plot();
    if (gd && window.Plotly) {
      window.Plotly.relayout(gd, { "xaxis.autorange": true, "yaxis.autorange": true });
    }
  }

  function onDendrogramKey(event) {
    const actions = {
      ArrowUp: () => stepCut(-1),
      ArrowDown: () => stepCut(1),
      "+": () => zoom("in"),
      "=": () => zoom("in"),
      "-": () => zoom("out"),
      Escape: wholeTree,
      0: wholeTree,
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  function onTabKey(event, tab) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      tab.click();
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const tabs = Array.from(tab.parentElement.querySelectorAll(".tab"));
      const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length];
      event.preventDefault();
      next.focus();
      next.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (target.id === DENDROGRAM) {
      onDendrogramKey(event);
    } else if (target.matches(".tab-container .tab")) {
      onTabKey(event, target);
    } else if (target.matches(".copy-button") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.click();
    }
  });
})();
