// The arrow keys in the typed number boxes (components/widgets.py
// typed_number): text boxes, so the browser does not step them itself.
// ArrowUp / ArrowDown move the value to the next multiple of the box's
// `step` (1 when it has none) above / below it, within `min` and `max`, as a
// number box does. Like typing, this only edits the box: Enter or Tab sends
// the value. Text that is not a number starts from `min` (or 0).
(function () {
  const BOX = ".dash-input-container.typed-number input";
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;

  function attributeNumber(input, name) {
    const value = parseFloat(input.getAttribute(name));
    return Number.isFinite(value) ? value : null;
  }

  function decimals(value) {
    const text = String(value);
    if (text.includes("e")) {
      return 10;
    }
    return (text.split(".")[1] || "").length;
  }

  function stepped(text, direction, step, min, max) {
    const current = parseFloat(text.trim().replace(",", "."));
    const base = min === null ? 0 : min;
    let next;
    if (!Number.isFinite(current)) {
      next = base;
    } else {
      // The next multiple of step (counted from min) strictly above or below the value.
      const units = (current - base) / step;
      const nearest = Math.round(units);
      let target;
      if (Math.abs(units - nearest) < 1e-9) {
        target = nearest + direction;
      } else {
        target = direction > 0 ? Math.ceil(units) : Math.floor(units);
      }
      next = base + step * target;
    }
    if (min !== null) {
      next = Math.max(next, min);
    }
    if (max !== null) {
      next = Math.min(next, max);
    }
    return String(parseFloat(next.toFixed(Math.min(10, Math.max(decimals(step), decimals(base))))));
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
      return;
    }
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(BOX) || input.disabled || input.readOnly) {
      return;
    }
    event.preventDefault();
    const step = attributeNumber(input, "step") || 1;
    const next = stepped(
      input.value,
      event.key === "ArrowUp" ? 1 : -1,
      step > 0 ? step : 1,
      attributeNumber(input, "min"),
      attributeNumber(input, "max"),
    );
    if (next !== input.value) {
      // Through the native setter and an input event, so React (and Dash) see an edit.
      setValue.call(input, next);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
