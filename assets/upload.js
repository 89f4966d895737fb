/* A file larger than the upload limit is refused by the browser before it is sent (dcc.Upload's
   max_size), and dcc.Upload would drop it without a word: say why in the message line instead.
   The server refuses larger request bodies too (Flask's MAX_CONTENT_LENGTH). */
(function () {
  function limitBytes() {
    const holder = document.getElementById("upload-limit");
    return holder ? Number(holder.dataset.maxBytes) : Infinity;
  }

  function megabytes(bytes) {
    return (bytes / 1e6).toLocaleString("en", { maximumFractionDigits: 1 });
  }

  function check(files) {
    const limit = limitBytes();
    const tooLarge = Array.from(files || []).find((file) => file.size > limit);
    if (!tooLarge || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    const text =
      `Could not use ${tooLarge.name}: it is ${megabytes(tooLarge.size)} MB, and files up to ` +
      `${megabytes(limit)} MB can be loaded. Load fewer rows or columns (or a sample of them); ` +
      "the current data stays on screen.";
    window.dash_clientside.set_props("message", {
      children: [{ type: "P", namespace: "dash_html_components", props: { children: text, className: "msg msg-error" } }],
    });
  }

  function inUpload(target) {
    return target && target.closest && target.closest("#upload");
  }

  document.addEventListener(
    "drop",
    (event) => { if (inUpload(event.target)) check(event.dataTransfer && event.dataTransfer.files); },
    true,
  );
  document.addEventListener(
    "change",
    (event) => { if (inUpload(event.target) && event.target.type === "file") check(event.target.files); },
    true,
  );
})();
