// Person form: "add a phone number / an account" adds one more row to a Django formset from its <template>.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) return;
  var fieldset = button.closest("[data-formset]");
  var prefix = fieldset.dataset.formset;
  var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var max = fieldset.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
  var index = parseInt(total.value, 10);
  if (max && index >= parseInt(max.value, 10)) return;
  var html = fieldset.querySelector("template").innerHTML.replace(/__prefix__/g, String(index));
  fieldset.querySelector(".subform-rows").insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  var inputs = fieldset.querySelectorAll(".subform-row:last-child input, .subform-row:last-child select");
  if (inputs.length) inputs[0].focus();
  event.preventDefault();
});
