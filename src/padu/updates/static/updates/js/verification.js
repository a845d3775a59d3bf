// The verification form on a weak connection: what the PSM types is kept in this phone's
// localStorage (under the form's data-keep key) until the server confirms it (the page it leads to
// names the key in data-keep-sent), and filled in again when the page is opened anew. Files cannot
// be kept; the form says so. Also: the browser's location into the coordinates, when it has one.
(function () {
  "use strict";

  function fields(form) {
    return Array.from(form.elements).filter(
      (el) => el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button"
    );
  }

  function save(form) {
    const values = {};
    fields(form).forEach((el) => {
      values[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try {
      localStorage.setItem(form.dataset.keep, JSON.stringify(values));
    } catch (e) {
      // Storage full or forbidden: the form still sends.
    }
  }

  function restore(form) {
    let values = null;
    try {
      values = JSON.parse(localStorage.getItem(form.dataset.keep) || "null");
    } catch (e) {
      values = null;
    }
    if (!values) return false;
    fields(form).forEach((el) => {
      if (!(el.name in values)) return;
      if (el.type === "checkbox") el.checked = Boolean(values[el.name]);
      else el.value = values[el.name];
    });
    return true;
  }

  function say(form, which) {
    const status = form.querySelector("[data-keep-status]");
    if (!status) return;
    status.textContent = status.dataset[which];
    status.hidden = false;
  }

  function keep(form, restoreSaved) {
    if (form.dataset.keepBound) return;
    form.dataset.keepBound = "1";
    if (restoreSaved && restore(form)) say(form, "restored");
    form.addEventListener("input", () => save(form));
    form.addEventListener("change", () => save(form));
    form.addEventListener("submit", () => save(form));
  }

  function geolocate(button) {
    const form = button.form;
    const status = form.querySelector("[data-geolocate-status]");
    if (!navigator.geolocation) {
      status.textContent = button.dataset.unavailable;
      return;
    }
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = "";
        save(form);
      },
      () => {
        status.textContent = button.dataset.unavailable;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  }

  function bind(root, restoreSaved) {
    if (root.matches && root.matches("form[data-keep]")) keep(root, restoreSaved);
    root.querySelectorAll("form[data-keep]").forEach((form) => keep(form, restoreSaved));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-keep-sent]").forEach((el) => {
      if (el.dataset.keepSent) localStorage.removeItem(el.dataset.keepSent);
    });
    bind(document, true);
    document.body.addEventListener("click", (event) => {
      const button = event.target.closest("[data-geolocate]");
      if (button) geolocate(button);
    });
    // The server answered the form again (its errors, the values sent): keep saving it.
    document.body.addEventListener("htmx:load", (event) => bind(event.detail.elt, false));
    ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach((name) => {
      document.body.addEventListener(name, (event) => {
        const form = event.detail.elt.closest ? event.detail.elt.closest("form[data-keep]") : null;
        if (form) say(form, "failed");
      });
    });
  });
})();
