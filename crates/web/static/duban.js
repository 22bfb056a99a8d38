// Duban — the little the pages need: confirmation before irreversible steps, print button.
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener('click', function (e) {
  var t = e.target;
  if (t && t.getAttribute && t.getAttribute('data-print') !== null) { window.print(); }
  if (t && t.getAttribute && t.getAttribute('data-back') !== null) { window.history.back(); }
});
