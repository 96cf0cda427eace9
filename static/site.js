// Conveniences on top of pages that work without JavaScript:
//  - a "Copy link" button beside every section permalink, which copies the
//    section's absolute URL (language included) and announces it;
//  - the language switcher keeps the section the reader is on (#anchor).
(function () {
  "use strict";
  var body = document.body;
  var status = document.getElementById("copy-status");

  function announce(text) {
    if (!status) return;
    // Clear first so the same message is announced again on a second copy.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // copyText copies with the Clipboard API where the page is a secure
  // context (HTTPS, localhost), and falls back to a hidden textarea and
  // execCommand over plain HTTP.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  // The canonical URL carries the page's language, so a copied link opens
  // in the same language even when this page was reached without ?lang.
  var canonical = document.querySelector('link[rel="canonical"]');

  var links = document.querySelectorAll("a.permalink");
  for (var i = 0; i < links.length; i++) {
    (function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = body.getAttribute("data-copy");
      button.setAttribute("aria-label", body.getAttribute("data-copy") + ": " + link.parentNode.textContent.replace("#", "").trim());
      button.addEventListener("click", function () {
        var url = canonical ? canonical.href + link.hash : link.href;
        copyText(url).then(function () {
          button.classList.add("copied");
          announce(body.getAttribute("data-copied"));
          window.setTimeout(function () { button.classList.remove("copied"); }, 2000);
        }, function () {
          announce(body.getAttribute("data-copy-failed") + url);
        });
      });
      link.parentNode.appendChild(button);
    })(links[i]);
  }

  // Keep the reader's #anchor when switching language.
  var switches = document.querySelectorAll(".langs a[hreflang]");
  for (var j = 0; j < switches.length; j++) {
    switches[j].addEventListener("click", function (event) {
      if (!window.location.hash) return;
      var a = event.currentTarget;
      a.href = a.href.split("#")[0] + window.location.hash;
    });
  }
})();
