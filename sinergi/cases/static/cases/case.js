// The case page: an HTMX action answers with its section. A refused one (400, 403, 409) carries the form with
// its messages, so it is swapped in too instead of being dropped as an error.
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var status = event.detail.xhr.status;
  if (target && target.closest && target.closest("[data-section]") && [400, 403, 409].indexOf(status) >= 0) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
