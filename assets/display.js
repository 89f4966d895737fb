// Presentation mode and the theme, on the page (the figures follow on the server, callbacks/display.py).
//
// apply: the app's classes ("present", "theme-dark" or "theme-light", "drawer-open") and the
// display store {present, dark}. "auto" follows the system's prefers-color-scheme, also when it
// changes while the page is open. In presentation mode the sidebar's controls fold into a
// drawer that the "Controls" button opens and closes (Escape closes it too).
(function () {
  const scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function resolvedDark(theme) {
    return theme === "dark" || (theme !== "light" && Boolean(scheme && scheme.matches));
  }

  if (scheme && scheme.addEventListener) {
    scheme.addEventListener("change", function (event) {
      if (window.dash_clientside && window.dash_clientside.set_props) {
        // apply runs again: only "auto" changes anything.
        window.dash_clientside.set_props("scheme-store", { data: event.matches ? "dark" : "light" });
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    const app = document.getElementById("app-root");
    if (event.key === "Escape" && app && app.classList.contains("drawer-open")) {
      document.getElementById("drawer-toggle").click();
    }
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    display: {
      apply: function (presentValue, theme, drawerClicks, systemScheme, stored, className) {
        const present = Array.isArray(presentValue) && presentValue.includes("on");
        const dark = resolvedDark(theme);
        const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
        const wasOpen = String(className || "").split(" ").includes("drawer-open");
        const drawerOpen = present && (fired.includes("drawer-toggle.n_clicks") ? !wasOpen : wasOpen && !fired.includes("present-mode.value"));
        const classes = ["app", present ? "present" : "", dark ? "theme-dark" : "theme-light", drawerOpen ? "drawer-open" : ""];
        const display = { present: present, dark: dark };
        const same = stored && stored.present === present && stored.dark === dark;
        return [classes.filter(Boolean).join(" "), same ? window.dash_clientside.no_update : display, drawerOpen ? "true" : "false"];
      },
    },
  });
})();
