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
