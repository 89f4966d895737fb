// The page's address is the view (state/view.py encodes and decodes it).
//
// read:  the query string the page was opened with, once, for the server to
//        restore that view.
// write: the query string of the view on screen, as the server encoded it,
//        into the address bar. The first write of a page replaces the entry
//        (the address it was opened with becomes the canonical one); each
//        later change pushes one, so Back undoes a step. A drag or a typed
//        value is one change when it is released or committed.
// Back and Forward reload the page at that address: the server still holds
// the session's data and trees, and a load restores exactly what the
// address says.
(function () {
  let written = false;

  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  function onlyMergeDiffers(a, b) {
    const strip = (q) => {
      const params = new URLSearchParams(q);
      params.delete("merge");
      return params.toString();
    };
    return strip(a) === strip(b);
  }

  function currentQuery() {
    return window.location.search.replace(/^\?/, "");
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    address: {
      read: function () {
        return currentQuery();
      },

      write: function (query) {
        const noUpdate = window.dash_clientside.no_update;
        if (typeof query !== "string") {
          return noUpdate;
        }
        if (query !== currentQuery()) {
          const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
          // A step of the merge player (it may play two a second) replaces the entry: Back undoes views, not steps.
          if (written && !onlyMergeDiffers(query, currentQuery())) {
            window.history.pushState(null, "", url);
          } else {
            window.history.replaceState(null, "", url);
          }
        }
        written = true;
        return query;
      },

      // The whole address to the clipboard; where the browser refuses
      // (no permission, not a secure page), the link is shown to copy by hand.
      copy: function (nClicks) {
        const noUpdate = window.dash_clientside.no_update;
        if (!nClicks) {
          return noUpdate;
        }
        const link = window.location.href;
        const shown = "Copy this link: " + link;
        if (!navigator.clipboard || !window.isSecureContext) {
          return shown;
        }
        return navigator.clipboard.writeText(link).then(
          () => "Link copied: anyone who opens it sees this view.",
          () => shown,
        );
      },
    },
  });
})();
