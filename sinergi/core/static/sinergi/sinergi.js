// Small progressive enhancements; every page also works without JavaScript.
document.addEventListener("click", function (event) {
  // Autocomplete result: copy the chosen value into the target inputs named by data attributes.
  var choice = event.target.closest("[data-autocomplete-value]");
  if (!choice) return;
  var box = choice.closest("[data-autocomplete]");
  if (!box) return;
  var hidden = box.querySelector("input[type=hidden]");
  var visible = box.querySelector("input[type=search], input[type=text]");
  if (hidden) hidden.value = choice.dataset.autocompleteValue;
  if (visible) visible.value = choice.dataset.autocompleteLabel || choice.textContent.trim();
  var results = box.querySelector(".autocomplete-results");
  if (results) results.innerHTML = "";
  event.preventDefault();
});

// Escape closes the phone menu and the user menu; a click elsewhere closes the user menu.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var toggle = document.getElementById("nav-toggle");
  if (toggle && toggle.checked) {
    toggle.checked = false;
    toggle.focus();
  }
  document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

// Length counters: a field with data-maxlength (no maxlength, which would cut a pasted text without a word)
// shows how much of its limit is used; past the limit the counter turns red and the server refuses the text.
(function () {
  var lang = document.documentElement.lang || "id";
  function count(field) {
    // Line breaks count once, as the server counts them.
    return field.value.replace(/\r\n/g, "\n").length;
  }
  function update(field, counter) {
    var limit = parseInt(field.dataset.maxlength, 10);
    var used = count(field);
    counter.textContent = used.toLocaleString(lang) + " / " + limit.toLocaleString(lang);
    counter.classList.toggle("char-counter-over", used > limit);
  }
  function attach(root) {
    (root || document).querySelectorAll("[data-maxlength]").forEach(function (field) {
      if (field.dataset.counted) return;
      field.dataset.counted = "1";
      var counter = document.createElement("span");
      counter.className = "char-counter";
      counter.setAttribute("data-testid", "char-counter");
      counter.id = (field.id || field.name) + "_counter";
      field.insertAdjacentElement("afterend", counter);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      field.addEventListener("input", function () { update(field, counter); });
      update(field, counter);
    });
  }
  attach(document);
  document.addEventListener("sinergi:content", function (event) { attach(event.detail); });
  document.addEventListener("htmx:afterSwap", function (event) { attach(event.detail.elt); });
})();
