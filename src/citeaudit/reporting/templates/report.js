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
  // Printing shows everything (CSS); open collapsed abstracts too.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
  });
})();
