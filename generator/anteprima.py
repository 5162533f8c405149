"""The preview's error page: what ``mkdocs serve`` shows when the data has errors.

Without it a data error left the browser waiting (MkDocs' live-reload server
holds every request until a build succeeds) and the Italian report was only
in the terminal. Under ``mkdocs serve`` the hook instead builds a one-page
site whose page (served for every URL, as index and as 404) shows the same
report as ``validate`` — file:line:column, the quoted line with its caret,
the suggestion — escaped, since it quotes the user's own text. The page
polls the server's live-reload endpoint itself, so it reloads into the real
site as soon as the file is fixed, whatever URL the browser was on.
"""

from __future__ import annotations

import html

TITOLO = "Anteprima non aggiornata: i dati contengono errori"

# MkDocs' live-reload protocol: GET /livereload/<epoch>/<id> answers with the
# latest built epoch, holding the request until it is newer than <epoch>.
# Asking with epoch 0 returns the current one at once; then wait for a newer.
_POLLER = """
(function () {
  var id = Date.now();
  function poll(epoch) {
    var req = new XMLHttpRequest();
    req.onloadend = function () {
      var got = parseFloat(req.responseText);
      if (req.status === 200 && !isNaN(got)) {
        if (epoch > 0 && got > epoch) { location.reload(); return; }
        poll(got);
      } else {
        setTimeout(function () { poll(epoch); }, 1000);
      }
    };
    req.open("GET", "/livereload/" + epoch + "/" + id);
    req.send();
  }
  poll(0);
})();
"""


def pagina_errore(report: str) -> str:
    """A standalone HTML page (no theme assets: any URL can show it) with the report escaped."""
    return f"""<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(TITOLO)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; }}
  h1 {{ color: #a00; font-size: 1.5rem; }}
  pre {{ background: #f6f6f6; border-left: 4px solid #a00; padding: 1rem; overflow-x: auto; white-space: pre; font-size: .95rem; }}
</style>
</head>
<body>
<main>
<h1 id="errore-dati">{html.escape(TITOLO)}</h1>
<p>Il sito non è stato rigenerato. Correggi il file indicato e salvalo: questa pagina si aggiorna da sola.</p>
<pre>{html.escape(report)}</pre>
</main>
<script>{_POLLER}</script>
</body>
</html>
"""
