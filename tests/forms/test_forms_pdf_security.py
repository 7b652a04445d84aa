"""Rendering reaches nothing but the package's assets; founders' markup stays text."""

from __future__ import annotations

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forms import fetcher as fetcher_module
from forms import pdf as pdf_module
from forms.definition import leaf_paths
from forms.fetcher import ASSETS_DIR, ASSETS_URL, ForbiddenURL, SafeURLFetcher, asset_path
from forms.pdf import render_dossier_html, render_dossier_pdf


@pytest.fixture
def http_server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def _payload(url: str) -> str:
    return (
        f'<b>bold</b> <img src="{url}/img.png"> <link rel="stylesheet" href="{url}/x.css">'
        f'<style>@import "{url}/imp.css"; body {{ background: url({url}/bg.png) }}</style>'
        f'<img src="file:///etc/passwd"> <a rel="attachment" href="{url}/att">a</a>'
        f"<iframe src=\"{url}/frame\"></iframe> {url}/plain"
    )


def _set(tree: dict, path: str, value: str) -> None:
    """Put `value` at a definition path, one item per list (`founders[].email`)."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = tree.setdefault(head[:-2], [{}])
        _set(items[0], rest, value)
    elif rest:
        _set(tree.setdefault(head, {}), rest, value)
    else:
        tree[head] = value


def _hostile_dossier(url: str) -> dict:
    content: dict = {}
    for path in leaf_paths():
        _set(content, path, _payload(url))
    return content


def test_fetcher_refuses_everything_but_assets(tmp_path, monkeypatch):
    assert asset_path(ASSETS_URL + "mark.svg") == ASSETS_DIR / "mark.svg"
    assert SafeURLFetcher().fetch(ASSETS_URL + "dossier.css").read().startswith(b"/*")
    refused = [
        "file:///etc/passwd",
        ASSETS_URL + "../pdf.py",
        ASSETS_URL + "%2e%2e/pdf.py",
        ASSETS_URL + "nope.svg",
        ASSETS_URL,
        "file://evil.example" + str(ASSETS_DIR / "mark.svg"),
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "mark.svg",
        "",
    ]
    for url in refused:
        with pytest.raises(ForbiddenURL):
            fetcher_module.safe_url_fetcher(url)
    # A link inside the assets folder that points outside is refused too.
    (tmp_path / "assets").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "assets" / "link.svg").symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr(fetcher_module, "ASSETS_DIR", (tmp_path / "assets").resolve())
    with pytest.raises(ForbiddenURL):
        asset_path((tmp_path / "assets" / "link.svg").as_uri())


def test_founder_text_is_escaped_in_html(http_server):
    url, _ = http_server
    html = render_dossier_html(_hostile_dossier(url), attachments=[])
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html
    assert 'src="file:///etc/passwd"' not in html
    assert f'src="{url}' not in html and f'href="{url}' not in html


def test_hostile_dossier_fetches_nothing_outside_assets(http_server, monkeypatch, pdf_text):
    url, hits = http_server
    calls: list[str] = []

    class Recording(SafeURLFetcher):
        def fetch(self, u, headers=None):
            calls.append(u)
            return super().fetch(u, headers)

    monkeypatch.setattr(fetcher_module, "safe_url_fetcher", Recording())
    pdf_module.stylesheet.cache_clear()  # parse the CSS through the recorder too
    try:
        attachments = [{"kind": _payload(url), "filename": _payload(url), "size": 1,
                        "sha256": _payload(url), "content_type": "x"}]
        pdf = render_dossier_pdf(
            _hostile_dossier(url), attachments=attachments,
            partners={_payload(url): _payload(url)}, content_hash=_payload(url),
        )
    finally:
        pdf_module.stylesheet.cache_clear()

    assert calls, "the stylesheet and the logo go through the fetcher"
    assert all(c.startswith(ASSETS_URL) for c in calls), calls
    assert {ASSETS_URL + "dossier.css", ASSETS_URL + "mark.svg"} <= set(calls)
    assert hits == []
    text = "".join(pdf_text(pdf).split())
    assert "<b>bold</b>" in text
    assert '<imgsrc="file:///etc/passwd">' in text
    # The server does answer: a real request is counted.
    urllib.request.urlopen(f"{url}/probe", timeout=5).close()  # noqa: S310
    assert hits == ["/probe"]
