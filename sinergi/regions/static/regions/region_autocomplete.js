// Region picker: typing in the search box forgets the region chosen before, so a half-edited name is never
// submitted with the old code. Choosing a result (sinergi.js) sets both again.
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("region-picker-input")) return;
  var picker = input.closest("[data-region-picker]");
  var hidden = picker && picker.querySelector("input[type=hidden]");
  if (hidden) hidden.value = "";
});
