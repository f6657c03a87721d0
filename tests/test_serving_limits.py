"""The server settings of the ini files keep the site answering when hundreds of clients
are slow to send their requests (waitress's defaults let 100 of them lock everyone out)."""
import socket
import threading
import urllib.request

from plaster import get_settings
import pytest
from waitress.server import create_server

from helpers import HERE

SLOW_CLIENTS = 300


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_three_hundred_slow_clients_do_not_lock_others_out(app, ini):
    settings = dict(get_settings(f"{HERE}/{ini}", "server:main",
                                 defaults={"http_port": "0"}))
    for key in ("use", "listen", "trusted_proxy", "trusted_proxy_headers",
                "clear_untrusted_proxy_headers"):
        settings.pop(key, None)
    server = create_server(app, host="127.0.0.1", port=0, **settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.effective_port
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(client)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as page:
            assert page.status == 200 and b"Log in" in page.read()
    finally:
        for client in slow:
            client.close()
        server.close()
        thread.join(timeout=5)
