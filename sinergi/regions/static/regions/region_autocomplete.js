// Region picker: typing in the search box forgets the region chosen before, so a half-edited name is never
// submitted with the old code. Choosing a result (sinergi.js fills the inputs) announces the choice with a
// bubbling "region-chosen" event, so a filter form can refresh itself: hx-trigger="region-chosen".
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("region-picker-input")) return;
  var picker = input.closest("[data-region-picker]");
  var hidden = picker && picker.querySelector("input[type=hidden]");
  if (hidden) hidden.value = "";
});

document.addEventListener("click", function (event) {
  // sinergi.js handles the same click (fills the inputs, empties the list, so the button may be detached by
  // now); the event's path still knows the picker.
  var path = event.composedPath ? event.composedPath() : [];
  var choice = null;
  var picker = null;
  for (var i = 0; i < path.length; i++) {
    var node = path[i];
    if (!node.hasAttribute) continue;
    if (!choice && node.hasAttribute("data-autocomplete-value")) choice = node;
    if (!picker && node.hasAttribute("data-region-picker")) picker = node;
  }
  if (!choice || !picker) return;
  var code = choice.dataset.autocompleteValue;
  var hidden = picker.querySelector("input[type=hidden]");
  if (hidden) hidden.value = code;
  // After every other click handler, so listeners see the final state of the picker.
  window.setTimeout(function () {
    picker.dispatchEvent(new CustomEvent("region-chosen", { bubbles: true, detail: { code: code } }));
  }, 0);
});
