// Family and person pages. Everything works without this file; it only moves focus where a
// keyboard or screen-reader user needs it.
document.addEventListener("DOMContentLoaded", () => {
  // An error summary, a warning or a conflict notice shown after a submit takes the focus, so
  // that it is read first.
  const notice = document.querySelector("[data-focus-on-load]");
  if (notice) notice.focus();
});
// A member form added by "Add another member" (htmx): focus its heading.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target && event.detail.target.id === "members") {
    const headings = event.detail.target.querySelectorAll(".member > h3");
    if (headings.length) headings[headings.length - 1].focus();
  }
  if (event.detail.target && event.detail.target.id === "timeline") {
    const heading = document.getElementById("timeline-heading");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
});
