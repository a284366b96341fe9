// The language switcher keeps the reader's place: a link to this page in another language
// carries the fragment (#figure-…) the reader followed or clicked, which the server never sees.
(function () {
  "use strict";
  function carryFragment(event) {
    var link = event.target.closest(".language-switcher a[href]");
    if (!link || !window.location.hash) return;
    var url = new URL(link.href, window.location.href);
    url.hash = window.location.hash;
    link.href = url.toString();
  }
  document.addEventListener("click", carryFragment);
  document.addEventListener("auxclick", carryFragment);
  document.addEventListener("focusin", carryFragment);
})();
