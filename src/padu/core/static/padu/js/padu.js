// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
  const toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      document.getElementById("site-nav").classList.toggle("open", !open);
    });
  }
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  document.body.addEventListener("htmx:afterSwap", markScrollingTables);
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});

// A table wider than its box gets the scroll cue (padu.css, .scrolls), a hint above it, and is a
// named, focusable region so that a keyboard can scroll it too.
function markScrollingTables() {
  const hint = document.body.dataset.scrollHint;
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("scrolls", scrolls);
    const shown = wrap.previousElementSibling && wrap.previousElementSibling.classList.contains("scroll-hint");
    if (scrolls && !shown) {
      const note = document.createElement("p");
      note.className = "scroll-hint";
      note.textContent = hint;
      wrap.before(note);
    } else if (!scrolls && shown) {
      wrap.previousElementSibling.remove();
    }
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      const caption = wrap.querySelector("caption");
      if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : hint);
      }
    }
  });
}
