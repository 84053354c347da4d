(() => {
  "use strict";
  // Filter "Everything" / "Problems only". Only attributes and textContent are set:
  // no report text is ever parsed as HTML here.
  const items = document.querySelectorAll("[data-problem]");
  const status = document.getElementById("filter-status");
  const radios = document.querySelectorAll("input[name='show']");
  const apply = (mode) => {
    const problemsOnly = mode === "problems";
    document.body.setAttribute("data-filter", problemsOnly ? "problems" : "everything");
    let shown = 0;
    items.forEach((el) => {
      if (!problemsOnly || el.getAttribute("data-problem") === "true") shown += 1;
    });
    if (status) {
      status.textContent = problemsOnly
        ? `Showing ${shown} of ${items.length} items: problems only.`
        : `Showing all ${items.length} items.`;
    }
    document.querySelectorAll("[data-empty-note]").forEach((note) => {
      const scope = document.getElementById(note.getAttribute("data-empty-note"));
      note.hidden = !(problemsOnly && scope && !scope.querySelector("[data-problem='true']"));
    });
  };
  radios.forEach((radio) => {
    radio.addEventListener("change", () => { if (radio.checked) apply(radio.value); });
    // Space selects a radio natively; make Enter do the same.
    radio.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        radio.checked = true;
        apply(radio.value);
      }
    });
  });
  const checked = document.querySelector("input[name='show']:checked");
  apply(checked ? checked.value : "everything");
  // Copy a suggested reference. The clipboard API needs a secure context and may be
  // refused (a report opened from a file, a locked-down browser); the text is then
  // selected, so Ctrl+C copies it.
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) return;
      const selectIt = () => {
        const range = document.createRange();
        range.selectNodeContents(target);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
        button.setAttribute("data-copied", "selected");
      };
      if (!navigator.clipboard || !navigator.clipboard.writeText) {
        selectIt();
        return;
      }
      navigator.clipboard.writeText(target.textContent).then(() => {
        button.textContent = "Copied";
        button.setAttribute("data-copied", "clipboard");
      }, selectIt);
    });
  });
  // Printing shows everything (CSS); open collapsed abstracts too.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
  });
})();
